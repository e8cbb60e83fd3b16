import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { readinessStatus } from '@tally/common';
import { HealthService } from './health.service';

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @HttpCode(200)
  liveness() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readiness(@Res({ passthrough: true }) res: Response) {
    const result = await this.health.readiness();
    res.status(result.ready ? 200 : 503);
    return { status: readinessStatus(result), checks: result.checks };
  }
}
