// CloudTrail over JSON 1.1 (`CloudTrail_20131101.<Op>`): trails and their logging status.
import { AwsError, type CallContext, type JsonService } from '../contract';
import type { CloudTrailStore, Trail } from './cloudtrail.store';

type Input = Record<string, unknown>;

export class CloudTrailService implements JsonService {
  readonly signingName = 'cloudtrail';
  readonly targetPrefix = 'CloudTrail_20131101';
  readonly contentType = 'application/x-amz-json-1.1';

  constructor(private readonly store: CloudTrailStore) {}

  async handle(operation: string, i: Input, c: CallContext): Promise<unknown> {
    const trailArn = (name: string) =>
      name.startsWith('arn:') ? name : `arn:aws:cloudtrail:${c.region}:${c.accountId}:trail/${name}`;
    const allow = (action: string, resource: string) => {
      if (c.identityDecision(`cloudtrail:${action}`, resource) !== 'allow')
        throw new AwsError(
          'AccessDeniedException',
          `User: ${c.principalArn} is not authorized to perform: cloudtrail:${action} on resource: ${resource} because no identity-based policy allows the cloudtrail:${action} action`,
          400,
        );
    };
    const named = (action: string) => {
      const name = String(i.Name ?? '');
      allow(action, trailArn(name));
      return this.store.get(c.accountId, c.region, name);
    };
    switch (operation) {
      case 'CreateTrail': {
        const name = String(i.Name ?? '');
        allow('CreateTrail', trailArn(name));
        const t = this.store.create(c.accountId, c.region, {
          name,
          s3BucketName: String(i.S3BucketName ?? ''),
          s3KeyPrefix: opt(i.S3KeyPrefix),
          isMultiRegion: i.IsMultiRegionTrail === true,
          isOrganizationTrail: i.IsOrganizationTrail === true,
          includeGlobalServiceEvents: i.IncludeGlobalServiceEvents !== false,
          logFileValidation: i.EnableLogFileValidation === true,
          kmsKeyId: opt(i.KmsKeyId),
          tags: Object.fromEntries(
            ((i.TagsList as { Key: string; Value?: string }[]) ?? []).map((x) => [x.Key, x.Value ?? '']),
          ),
        });
        const {
          HomeRegion: _home,
          HasCustomEventSelectors: _a,
          HasInsightSelectors: _b,
          ...out
        } = trailView(t);
        return out;
      }
      case 'DescribeTrails': {
        allow('DescribeTrails', '*'); // no resource-level permissions for DescribeTrails
        const names = (i.trailNameList as string[] | undefined) ?? [];
        const trails = this.store.describe(c.accountId, c.region, i.includeShadowTrails !== false);
        const wanted = names.length
          ? trails.filter((t) => names.includes(t.name) || names.includes(t.arn))
          : trails;
        return { trailList: wanted.map(trailView) };
      }
      case 'GetTrail':
        return { Trail: trailView(named('GetTrail')) };
      case 'GetTrailStatus': {
        const t = named('GetTrailStatus');
        return {
          IsLogging: t.logging,
          ...(t.startedAt
            ? { StartLoggingTime: t.startedAt / 1000, TimeLoggingStarted: iso(t.startedAt) }
            : {}),
          ...(t.stoppedAt
            ? { StopLoggingTime: t.stoppedAt / 1000, TimeLoggingStopped: iso(t.stoppedAt) }
            : {}),
        };
      }
      case 'StartLogging': {
        const t = this.own(named('StartLogging'), c);
        t.logging = true;
        t.startedAt = Date.now();
        return {};
      }
      case 'StopLogging': {
        const t = this.own(named('StopLogging'), c);
        t.logging = false;
        t.stoppedAt = Date.now();
        return {};
      }
      case 'DeleteTrail':
        this.store.delete(this.own(named('DeleteTrail'), c));
        return {};
      default:
        throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`, 400);
    }
  }

  /** Changes are made in the trail's home region by its owner only. */
  private own(t: Trail, c: CallContext): Trail {
    if (t.accountId !== c.accountId || t.homeRegion !== c.region)
      throw new AwsError(
        'InvalidHomeRegionException',
        `This operation must be called from the trail's home region (${t.homeRegion}) by its owner.`,
        400,
      );
    return t;
  }
}

function trailView(t: Trail) {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    ...(t.s3KeyPrefix ? { S3KeyPrefix: t.s3KeyPrefix } : {}),
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegion,
    HomeRegion: t.homeRegion,
    TrailARN: t.arn,
    LogFileValidationEnabled: t.logFileValidation,
    ...(t.kmsKeyId ? { KmsKeyId: t.kmsKeyId } : {}),
    HasCustomEventSelectors: false,
    HasInsightSelectors: false,
    IsOrganizationTrail: t.isOrganizationTrail,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function opt(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}
