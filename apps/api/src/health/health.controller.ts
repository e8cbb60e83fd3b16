import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
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
    const down = Object.entries(result.checks)
      .filter(([, c]) => !c.ok)
      .map(([name]) => name);
    return { status: result.ready ? 'ready' : `not ready: ${down.join(', ')} down`, checks: result.checks };
  }
}
