// The parts of a scenario document the core reads: `settings` and `iam` (providers and roles to
// pre-register). Everything else in the scenario belongs to the cloud part.
import { z } from 'zod';
import { AwsError } from '../contract';
import type { IamStore } from '../iam/iam.store';
import type { SettingsStore } from './settings';

const policyDoc = z.union([z.string(), z.record(z.string(), z.unknown())]);
const coreScenario = z.object({
  settings: z.unknown().optional(),
  iam: z
    .object({
      oidcProviders: z
        .array(
          z.object({
            accountId: z.string(),
            url: z.string(),
            clientIdList: z.array(z.string()),
            thumbprintList: z.array(z.string()).optional(),
          }),
        )
        .optional(),
      roles: z
        .array(
          z.object({
            accountId: z.string(),
            roleName: z.string(),
            trustPolicy: policyDoc,
            policies: z.array(z.object({ policyName: z.string(), policyDocument: policyDoc })).optional(),
            maxSessionDuration: z.number().int().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/** Applies a scenario's `settings` and `iam` sections (both optional). */
export function applyCoreScenario(scenario: unknown, iam: IamStore, settings: SettingsStore): void {
  if (!scenario || typeof scenario !== 'object') return;
  const parsed = coreScenario.safeParse(scenario);
  if (!parsed.success)
    throw new AwsError('ValidationError', `Invalid scenario: ${z.prettifyError(parsed.error)}`);
  const { settings: s, iam: i } = parsed.data;
  if (s !== undefined) settings.update(s);
  for (const p of i?.oidcProviders ?? []) iam.createOidcProvider(p.accountId, p);
  for (const r of i?.roles ?? []) {
    iam.putRole(r.accountId, {
      roleName: r.roleName,
      assumeRolePolicyDocument: r.trustPolicy,
      policies: r.policies,
      maxSessionDuration: r.maxSessionDuration,
    });
  }
}
