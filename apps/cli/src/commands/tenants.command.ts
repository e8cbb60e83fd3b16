import { CreateTenant, type Tenant } from '@tally/contract';
import { requireValid, type CliCommand } from '../cli.command';

const name = CreateTenant.shape.name;

export const tenantsCreate: CliCommand = {
  name: 'tenants create',
  summary: 'Create a tenant',
  usage: 'tenants create --name <name> [--json]',
  options: { name: { type: 'string' }, json: { type: 'boolean' } },
  validate: ({ values }) => void requireValid(name, values.name, '--name'),
  async run(ctx, { values }, io) {
    const { AuditLog, TenancyModule, TenantsRepository } = await import('@tally/tenancy');
    const app = await ctx.app([TenancyModule]);
    const tenant = await app.get(TenantsRepository).create(requireValid(name, values.name, '--name'));
    await app.get(AuditLog).record(null, {
      action: 'tenant.create',
      targetType: 'tenant',
      targetId: tenant.id,
      tenantId: tenant.id,
      details: { name: tenant.name, via: 'cli' },
    });
    if (values.json) {
      const json: Pick<Tenant, 'id' | 'name' | 'createdAt'> = {
        id: tenant.id,
        name: tenant.name,
        createdAt: tenant.createdAt.toISOString(),
      };
      io.out(JSON.stringify(json));
    } else io.out(`created tenant ${tenant.id} (${tenant.name})`);
    return 0;
  },
};
