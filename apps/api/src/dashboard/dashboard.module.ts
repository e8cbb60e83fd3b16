import {
  Injectable,
  Module,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createDashboardHandler, defaultDashboardDir } from './dashboard.static';

@Injectable()
class DashboardMiddleware implements NestMiddleware {
  private readonly handler = createDashboardHandler(defaultDashboardDir());

  use(req: Request, res: Response, next: NextFunction): void {
    this.handler(req, res, next);
  }
}

/** Serves the built dashboard at `/` (static files + SPA fallback); API paths pass straight through. */
@Module({ providers: [DashboardMiddleware] })
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DashboardMiddleware).forRoutes('{*path}');
  }
}
