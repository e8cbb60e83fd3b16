import { requireString, type CliCommand } from '../cli.command';

export const tenantsCreate: CliCommand = {
  name: 'tenants create',
  summary: 'Create a tenant',
  usage: 'tenants create --name <name> [--json]',
  options: { name: { type: 'string' }, json: { type: 'boolean' } },
  validate: ({ values }) => void requireString(values.name, '--name'),
  async run(ctx, { values }, io) {
    const { AuditLog, TenancyModule, TenantsRepository } = await import('@tally/tenancy');
    const app = await ctx.app([TenancyModule]);
    const tenant = await app.get(TenantsRepository).create(requireString(values.name, '--name'));
    await app.get(AuditLog).record(null, {
      action: 'tenant.create',
      targetType: 'tenant',
      targetId: tenant.id,
      tenantId: tenant.id,
      details: { name: tenant.name, via: 'cli' },
    });
    if (values.json)
      io.out(JSON.stringify({ id: tenant.id, name: tenant.name, createdAt: tenant.createdAt }));
    else io.out(`created tenant ${tenant.id} (${tenant.name})`);
    return 0;
  },
};
