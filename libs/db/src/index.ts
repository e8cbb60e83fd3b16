export * from './generated/prisma/client';
export { createPrismaClient, DB_POOL_SIZE, poolOf, PrismaService } from './prisma.service';
export { DbModule } from './db.module';
export { migrate } from './migrate/migrator';
