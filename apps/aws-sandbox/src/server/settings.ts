// Runtime knobs of the sandbox that tests and scenarios flip: disabled regions per account and a
// cap on the lifetime of issued credentials.
import { z } from 'zod';
import { AwsError } from '../contract';

export interface SandboxSettings {
  /** accountId (or `"*"` for every account) → regions that are not enabled for it. */
  disabledRegions: Record<string, string[]>;
  /** Caps the lifetime of credentials STS issues (seconds), whatever DurationSeconds asked for. */
  credentialLifetimeSeconds: number | null;
  /**
   * The region unsigned STS calls (AssumeRoleWithWebIdentity) are treated as served in: a custom
   * endpoint carries no region, so this stands for the regional endpoint. If it is disabled for the
   * role's account, STS answers RegionDisabledException. Default us-east-1.
   */
  stsRegion: string;
}

const settingsPatch = z
  .object({
    disabledRegions: z.record(z.string(), z.array(z.string())).optional(),
    credentialLifetimeSeconds: z.number().int().positive().nullable().optional(),
    stsRegion: z.string().min(1).optional(),
  })
  .strict();

/** Holds the settings; `update` merges a validated patch (disabledRegions replaces per account). */
export class SettingsStore {
  private current: SandboxSettings = defaults();

  get(): SandboxSettings {
    return this.current;
  }

  /** Applies a patch (from JSON); ValidationError on unknown or mistyped fields. */
  update(patch: unknown): SandboxSettings {
    const parsed = settingsPatch.safeParse(patch ?? {});
    if (!parsed.success) throw new AwsError('ValidationError', `Invalid settings: ${parsed.error.message}`);
    const p = parsed.data;
    this.current = {
      disabledRegions: p.disabledRegions
        ? { ...this.current.disabledRegions, ...p.disabledRegions }
        : this.current.disabledRegions,
      credentialLifetimeSeconds:
        p.credentialLifetimeSeconds === undefined
          ? this.current.credentialLifetimeSeconds
          : p.credentialLifetimeSeconds,
      stsRegion: p.stsRegion ?? this.current.stsRegion,
    };
    return this.current;
  }

  isRegionDisabled(accountId: string, region: string): boolean {
    const d = this.current.disabledRegions;
    return (d[accountId]?.includes(region) ?? false) || (d['*']?.includes(region) ?? false);
  }

  reset(): void {
    this.current = defaults();
  }
}

function defaults(): SandboxSettings {
  return { disabledRegions: {}, credentialLifetimeSeconds: null, stsRegion: 'us-east-1' };
}
