// CloudTrail trails of the sandbox. What matters for live events is coverage: an API call in
// (account, region) reaches EventBridge only while a logging trail covers it (a trail in its home
// region, a multi-region trail in every region, an organization trail in every member account).
import { AwsError } from '../contract';

export interface Trail {
  name: string;
  accountId: string;
  homeRegion: string;
  arn: string;
  s3BucketName: string;
  s3KeyPrefix?: string;
  isMultiRegion: boolean;
  isOrganizationTrail: boolean;
  includeGlobalServiceEvents: boolean;
  logFileValidation: boolean;
  kmsKeyId?: string;
  logging: boolean;
  startedAt?: number;
  stoppedAt?: number;
  tags: Record<string, string>;
}

const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;

export class CloudTrailStore {
  private readonly trails = new Map<string, Trail>(); // by ARN

  /** `organizationOf(accountId)`: the organization's management account and members, if any. */
  constructor(
    private readonly organizationOf: (
      accountId: string,
    ) => { managementAccountId: string; members: string[] } | null,
  ) {}

  create(
    accountId: string,
    region: string,
    input: Omit<Trail, 'accountId' | 'homeRegion' | 'arn' | 'logging' | 'tags'> & {
      tags?: Record<string, string>;
    },
  ): Trail {
    if (!TRAIL_NAME.test(input.name) || /[._-]{2}/.test(input.name))
      throw new AwsError(
        'InvalidTrailNameException',
        'Trail name must starts with a letter or number, end with a letter or number, be between 3 and 128 characters, and only contain letters, numbers, periods, underscores and dashes.',
        400,
      );
    if (!input.s3BucketName)
      throw new AwsError('InvalidS3BucketNameException', 'Bucket name should not be empty.', 400);
    const arn = `arn:aws:cloudtrail:${region}:${accountId}:trail/${input.name}`;
    if (this.findOwn(accountId, input.name))
      throw new AwsError(
        'TrailAlreadyExistsException',
        `Trail ${input.name} already exists for customer: ${accountId}`,
        400,
      );
    if (input.isOrganizationTrail && this.organizationOf(accountId)?.managementAccountId !== accountId)
      throw new AwsError(
        'OrganizationsNotInUseException',
        'This account is not the management account of an organization.',
        400,
      );
    const trail: Trail = {
      ...input,
      accountId,
      homeRegion: region,
      arn,
      logging: false,
      tags: input.tags ?? {},
    };
    this.trails.set(arn, trail);
    return trail;
  }

  /** A trail by name (owned by the account) or ARN; TrailNotFoundException otherwise. */
  get(accountId: string, region: string, nameOrArn: string): Trail {
    const t = nameOrArn.startsWith('arn:') ? this.trails.get(nameOrArn) : this.findOwn(accountId, nameOrArn);
    if (!t || !this.visible(t, accountId, region))
      throw new AwsError(
        'TrailNotFoundException',
        `Unknown trail: ${nameOrArn} for the user: ${accountId}`,
        400,
      );
    return t;
  }

  delete(t: Trail): void {
    this.trails.delete(t.arn);
  }

  /** Trails DescribeTrails shows in (account, region); shadow trails are other regions' multi-region and org trails. */
  describe(accountId: string, region: string, includeShadow: boolean): Trail[] {
    return [...this.trails.values()].filter((t) => {
      const own = t.accountId === accountId && t.homeRegion === region;
      return own || (includeShadow && this.visible(t, accountId, region));
    });
  }

  /** Whether a logging trail records API calls made in (account, region). */
  covers(accountId: string, region: string): boolean {
    return [...this.trails.values()].some((t) => t.logging && this.visible(t, accountId, region));
  }

  all(): Trail[] {
    return [...this.trails.values()];
  }

  reset(): void {
    this.trails.clear();
  }

  private findOwn(accountId: string, name: string): Trail | undefined {
    return [...this.trails.values()].find((t) => t.accountId === accountId && t.name === name);
  }

  private visible(t: Trail, accountId: string, region: string): boolean {
    const regionOk = t.isMultiRegion || t.homeRegion === region;
    if (!regionOk) return false;
    if (t.accountId === accountId) return true;
    return t.isOrganizationTrail && (this.organizationOf(t.accountId)?.members.includes(accountId) ?? false);
  }
}
