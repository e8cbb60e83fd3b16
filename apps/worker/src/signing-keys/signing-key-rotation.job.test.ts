import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { ConfigModule } from '@tally/config';
import { DbModule } from '@tally/db';
import { createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { SigningKeyRotationJob } from './signing-key-rotation.job';
import { SigningKeyRotationModule } from './signing-key-rotation.module';

describe('scheduled signing key rotation', () => {
  let env: TestEnvironment;
  before(async () => {
    env = await createTestEnvironment({ SIGNING_KEY_ROTATION_DAYS: '30' });
  });
  after(async () => {
    await env?.close();
  });

  it('is registered as an interval and rotates only a key older than SIGNING_KEY_ROTATION_DAYS', async () => {
    const app = await NestFactory.createApplicationContext(
      {
        module: class TestRoot {},
        imports: [
          ConfigModule.forRoot(env.config),
          DbModule,
          ScheduleModule.forRoot(),
          SigningKeyRotationModule,
        ],
      },
      { logger: false },
    );
    try {
      await app.init();
      assert.ok(app.get(SchedulerRegistry).getInterval('signing-key-rotation'));
      const job = app.get(SigningKeyRotationJob);
      assert.equal(await job.bootCheck, false, 'the boot check created the keys, nothing was due');
      assert.equal(await job.rotateIfDue(), false, 'fresh keys are not due');
      const active = await env.prisma.signingKey.findFirstOrThrow({ where: { status: 'active' } });
      await env.prisma.signingKey.update({
        where: { id: active.id },
        data: { activatedAt: new Date(Date.now() - 31 * 86_400_000) },
      });
      assert.equal(await job.rotateIfDue(), true);
      assert.equal(
        (await env.prisma.signingKey.findUniqueOrThrow({ where: { id: active.id } })).status,
        'retired',
      );
      assert.equal(await env.prisma.signingKey.count({ where: { status: 'active' } }), 1);
      assert.equal(await job.rotateIfDue(), false, 'the new active key is not due');
    } finally {
      await app.close();
    }
  });
});
