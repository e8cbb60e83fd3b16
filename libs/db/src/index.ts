export * from './generated/prisma/client';
export { createPrismaClient, DB_POOL_SIZE, poolOf, PrismaService } from './prisma.service';
export { DbModule } from './db.module';
export {
  migrate,
  readMigrations,
  MigrationError,
  MIGRATIONS_DIR,
  type MigrateResult,
} from './migrate/migrator';
export { diffFromEmpty } from './migrate/schema-engine';
export { describeDatabase, detectDrift, type Drift } from './migrate/drift';
