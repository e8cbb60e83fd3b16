import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { firstValueFrom, of } from 'rxjs';
import { Tenant } from '@tally/contract';
import { ApiRoute } from './openapi';
import { ResponseContractError, ResponseSchemaInterceptor } from './response-schema.interceptor';

class TenantsProbe {
  @ApiRoute({
    summary: 'probe',
    response: { status: 200, description: 'A tenant', schema: Tenant },
    errors: [],
  })
  get() {}

  @ApiRoute({ summary: 'probe', response: { status: 204, description: 'Nothing' }, errors: [] })
  remove() {}
}

function answer(handler: keyof TenantsProbe, body: unknown): Promise<unknown> {
  const context = {
    getHandler: () => TenantsProbe.prototype[handler],
    getClass: () => TenantsProbe,
  } as unknown as ExecutionContext;
  const interceptor = new ResponseSchemaInterceptor(new Reflector());
  return firstValueFrom(interceptor.intercept(context, { handle: () => of(body) }));
}

describe('ResponseSchemaInterceptor', () => {
  const at = new Date('2026-11-24T10:00:00.000Z');
  const tenant = { id: '3f0e8b1c-2a4d-4c6e-9f10-1a2b3c4d5e6f', name: 'Acme', createdAt: at, updatedAt: at };

  it('serializes an answer through its schema: ISO timestamps, no field the contract does not name', async () => {
    assert.deepEqual(await answer('get', { ...tenant, secretHash: 'x' }), {
      ...tenant,
      createdAt: '2026-11-24T10:00:00.000Z',
      updatedAt: '2026-11-24T10:00:00.000Z',
    });
  });

  it('refuses an answer that breaks its schema, naming the route and the field', async () => {
    await assert.rejects(answer('get', { ...tenant, name: 42 }), (err: unknown) => {
      assert.ok(err instanceof ResponseContractError);
      assert.match(err.message, /TenantsProbe\.get/);
      assert.match(err.message, /name: /);
      return true;
    });
    await assert.rejects(answer('get', { ...tenant, createdAt: '2026-11-24' }), ResponseContractError);
  });

  it('leaves routes without a body schema alone', async () => {
    assert.equal(await answer('remove', undefined), undefined);
  });
});
