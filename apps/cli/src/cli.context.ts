import { Module, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, type AppConfig } from '@tally/config';
import { createPrismaClient, DbModule, type PrismaClient } from '@tally/db';
import { JobsModule } from '@tally/jobs';

@Module({})
class CliModule {
  static forRoot(config: AppConfig, imports: (Type | DynamicModule)[]): DynamicModule {
    return { module: CliModule, imports: [ConfigModule.forRoot(config), DbModule, JobsModule, ...imports] };
  }
}

/**
 * What commands reach: the configuration, a Prisma client, and (built on first use, with only the
 * modules a command asks for) a Nest application context exposing the libs' own services.
 */
export class CliContext {
  private prismaClient?: PrismaClient;
  private nest?: INestApplicationContext;

  constructor(readonly config: AppConfig) {}

  get prisma(): PrismaClient {
    this.prismaClient ??= createPrismaClient(this.config.DATABASE_URL, 2);
    return this.prismaClient;
  }

  /** A Nest context with these modules (plus config, db, jobs); one per command run. */
  async app(imports: (Type | DynamicModule)[] = []): Promise<INestApplicationContext> {
    this.nest ??= await NestFactory.createApplicationContext(CliModule.forRoot(this.config, imports), {
      logger: false,
    });
    return this.nest;
  }

  async close(): Promise<void> {
    await this.nest?.close();
    await this.prismaClient?.$disconnect();
  }
}
