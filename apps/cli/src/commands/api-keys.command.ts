import { NotFoundError } from '@tally/common';
import { CreateApiKey, type CreatedApiKey } from '@tally/contract';
import { requireUuid, requireValid, UsageError, type CliCommand } from '../cli.command';

const keyName = CreateApiKey.shape.name;

export const apiKeysCreate: CliCommand = {
  name: 'api-keys create',
  summary: 'Create an API key for a tenant (or an admin key); the key is printed once',
  usage: 'api-keys create (--tenant <tenantId> | --admin) --name <name> [--json]',
  details:
    'The key is shown only in this output and stored only as a hash: copy it now.\n' +
    'Admin keys reach every tenant; tenant keys only their own tenant.',
  options: {
    tenant: { type: 'string' },
    admin: { type: 'boolean' },
    name: { type: 'string' },
    json: { type: 'boolean' },
  },
  validate({ values }) {
    requireValid(keyName, values.name, '--name');
    if (values.admin && values.tenant) throw new UsageError('give either --tenant <id> or --admin, not both');
    if (!values.admin) requireUuid(values.tenant, '--tenant (or --admin)');
  },
  async run(ctx, { values }, io) {
    const { ApiKeysRepository, AuditLog, generateApiKey, TenancyModule, TenantsRepository } =
      await import('@tally/tenancy');
    const app = await ctx.app([TenancyModule]);
    const keys = app.get(ApiKeysRepository);
    const name = requireValid(keyName, values.name, '--name');
    const { key, prefix, hash } = generateApiKey();
    let stored;
    if (values.admin) {
      stored = (await keys.ensureAdmin({ name, prefix, hash })).key;
    } else {
      const tenantId = requireUuid(values.tenant, '--tenant');
      if (!(await app.get(TenantsRepository).findById(tenantId)))
        throw new NotFoundError(`Tenant ${tenantId}`);
      stored = await keys.createForTenant(tenantId, { name, prefix, hash });
    }
    await app.get(AuditLog).record(null, {
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: stored.id,
      tenantId: stored.tenantId ?? undefined,
      details: { name, prefix, role: stored.role, via: 'cli' },
    });
    if (values.json) {
      const json: Pick<CreatedApiKey, 'id' | 'role' | 'tenantId' | 'name' | 'prefix' | 'key'> = {
        id: stored.id,
        role: stored.role,
        tenantId: stored.tenantId,
        name,
        prefix,
        key,
      };
      io.out(JSON.stringify(json));
    } else {
      io.out(`created ${stored.role} key ${stored.id} (${name})`);
      io.out(`key: ${key}`);
      io.err('This is the only time the key is shown; store it in a secret manager now.');
    }
    return 0;
  },
};

export const apiKeysRevoke: CliCommand = {
  name: 'api-keys revoke',
  summary: 'Revoke an API key at once (tenant or admin key)',
  usage: 'api-keys revoke <keyId>',
  options: {},
  positionals: ['keyId'],
  validate: ({ positionals }) => void requireUuid(positionals[0], '<keyId>'),
  async run(ctx, { positionals }, io) {
    const id = requireUuid(positionals[0], '<keyId>');
    const { ApiKeysRepository, AuditLog, TenancyModule } = await import('@tally/tenancy');
    const app = await ctx.app([TenancyModule]);
    const existing = await ctx.prisma.apiKey.findUnique({ where: { id } });
    if (!existing) throw new NotFoundError(`API key ${id}`);
    if (existing.revokedAt) {
      io.out(`key ${id} was already revoked at ${existing.revokedAt.toISOString()}`);
      return 0;
    }
    if (existing.tenantId) await app.get(ApiKeysRepository).revoke(existing.tenantId, id);
    else
      await ctx.prisma.apiKey.updateMany({
        where: { id, tenantId: null, revokedAt: null },
        data: { revokedAt: new Date() },
      });
    await app.get(AuditLog).record(null, {
      action: 'api_key.revoke',
      targetType: 'api_key',
      targetId: id,
      tenantId: existing.tenantId ?? undefined,
      details: { name: existing.name, prefix: existing.prefix, via: 'cli' },
    });
    io.out(`revoked ${existing.role} key ${id} (${existing.name}, ${existing.prefix}…)`);
    return 0;
  },
};
