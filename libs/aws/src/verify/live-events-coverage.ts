// Live-event coverage per (account, region), reported by verification as warnings with the exact
// fix: never a reason to stop syncing. Reads only: GetQueueUrl/GetQueueAttributes on the
// connection's queue, DescribeRule on the home rule and the forwarders, DescribeTrails and
// GetTrailStatus for a logging trail.
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Inject, Injectable } from '@nestjs/common';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { AwsCredentialsService } from '../credentials/aws-credentials.service';
import { awsClientDefaults } from '../credentials/aws-client-defaults';
import { classifyAwsError } from '../sts/aws-error.classifier';

/** What is checked, and the names the onboarding stack gave things. */
export interface LiveEventsTarget {
  tenantId: string;
  connectionId: string;
  /** The account with the queue (the connection's account or the management account). */
  homeAccountId: string;
  homeRegion: string;
  roleName: string;
  /** Every covered account (organization: the members too) and region. */
  accountIds: string[];
  regions: string[];
  queueName: string;
  homeRuleName: string;
  forwarderRuleName: string;
  /** The command that deploys the forwarder to (account, region), for the fix text. */
  forwarderFix(accountId: string, region: string): string;
}

export interface CoverageCheck {
  name: 'queue' | 'rule' | 'trail';
  ok: boolean;
  message: string;
  /** The exact fix; null when the check passed. */
  remediation: string | null;
}

export interface CoverageCell {
  accountId: string;
  region: string;
  covered: boolean;
  checks: CoverageCheck[];
}

export interface LiveEventsCoverage {
  covered: boolean;
  /** Messages waiting in the queue and its DLQ (null when unreadable). */
  queueDepth: number | null;
  cells: CoverageCell[];
}

const TRAIL_FIX =
  'Create a logging trail: redeploy the Tally stack with CreateTrail=true, or `aws cloudtrail create-trail --name tally --s3-bucket-name <bucket> --is-multi-region-trail && aws cloudtrail start-logging --name tally`.';

/** Live-event coverage of a connection, per (account, region). */
@Injectable()
export class LiveEventsCoverageVerifier {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AwsCredentialsService) private readonly credentials: AwsCredentialsService,
  ) {}

  async check(target: LiveEventsTarget): Promise<LiveEventsCoverage> {
    const homeCreds = this.creds(target, target.homeAccountId);
    const queue = await this.queueCheck(target, homeCreds);
    const cells: CoverageCell[] = [];
    for (const accountId of target.accountIds) {
      const creds = this.creds(target, accountId);
      for (const region of target.regions) {
        const home = accountId === target.homeAccountId && region === target.homeRegion;
        const checks = [
          ...(home ? [queue.check] : []),
          await this.ruleCheck(target, creds, accountId, region, home),
          await this.trailCheck(creds, region),
        ];
        cells.push({ accountId, region, covered: checks.every((c) => c.ok), checks });
      }
    }
    return { covered: cells.every((c) => c.covered), queueDepth: queue.depth, cells };
  }

  private creds(t: LiveEventsTarget, accountId: string): AwsCredentialIdentityProvider {
    return this.credentials.forAccount({
      tenantId: t.tenantId,
      connectionId: t.connectionId,
      accountId,
      roleName: t.roleName,
    });
  }

  private async queueCheck(
    t: LiveEventsTarget,
    credentials: AwsCredentialIdentityProvider,
  ): Promise<{ check: CoverageCheck; depth: number | null }> {
    const sqs = new SQSClient({ ...awsClientDefaults(this.config, 'sqs', t.homeRegion), credentials });
    try {
      const { QueueUrl } = await sqs.send(
        new GetQueueUrlCommand({ QueueName: t.queueName, QueueOwnerAWSAccountId: t.homeAccountId }),
      );
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      const depth = Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0);
      return { check: pass('queue', `Queue ${t.queueName} is reachable (${depth} waiting).`), depth };
    } catch (err) {
      const e = classifyAwsError(err, { accountId: t.homeAccountId, region: t.homeRegion });
      return {
        check: {
          name: 'queue',
          ok: false,
          message: `Queue ${t.queueName} in ${t.homeAccountId}/${t.homeRegion} is not reachable: ${e.message}`,
          remediation: `Deploy (or update) the Tally stack in ${t.homeRegion} of account ${t.homeAccountId} with EnableLiveEvents=true.`,
        },
        depth: null,
      };
    } finally {
      sqs.destroy();
    }
  }

  private async ruleCheck(
    t: LiveEventsTarget,
    credentials: AwsCredentialIdentityProvider,
    accountId: string,
    region: string,
    home: boolean,
  ): Promise<CoverageCheck> {
    const name = home ? t.homeRuleName : t.forwarderRuleName;
    const fix = home
      ? `Deploy (or update) the Tally stack in ${region} of account ${accountId} with EnableLiveEvents=true.`
      : t.forwarderFix(accountId, region);
    const events = new EventBridgeClient({
      ...awsClientDefaults(this.config, 'eventbridge', region),
      credentials,
    });
    try {
      const rule = await events.send(new DescribeRuleCommand({ Name: name }));
      if (rule.State !== 'ENABLED')
        return {
          name: 'rule',
          ok: false,
          message: `Rule ${name} in ${accountId}/${region} is ${rule.State}.`,
          remediation: `aws events enable-rule --region ${region} --name ${name}`,
        };
      return pass('rule', `Rule ${name} is enabled.`);
    } catch (err) {
      const e = classifyAwsError(err, { accountId, region });
      const missing = e.reason === 'not_found' || /ResourceNotFound/.test(e.awsCode ?? '');
      return {
        name: 'rule',
        ok: false,
        message: missing
          ? `No rule ${name} in ${accountId}/${region}: changes there do not reach Tally until the next sync.`
          : `Rule ${name} in ${accountId}/${region} could not be read: ${e.message}`,
        remediation: fix,
      };
    } finally {
      events.destroy();
    }
  }

  private async trailCheck(
    credentials: AwsCredentialIdentityProvider,
    region: string,
  ): Promise<CoverageCheck> {
    const trails = new CloudTrailClient({
      ...awsClientDefaults(this.config, 'cloudtrail', region),
      credentials,
    });
    try {
      const listed = await trails.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
      for (const trail of listed.trailList ?? []) {
        if (!trail.IsMultiRegionTrail && trail.HomeRegion !== region) continue;
        const status = await trails.send(new GetTrailStatusCommand({ Name: trail.TrailARN ?? trail.Name }));
        if (status.IsLogging) return pass('trail', `Trail ${trail.Name} logs management events here.`);
      }
      return {
        name: 'trail',
        ok: false,
        message: `No logging trail covers ${region}.`,
        remediation: TRAIL_FIX,
      };
    } catch (err) {
      const e = classifyAwsError(err, { region });
      return {
        name: 'trail',
        ok: false,
        message: `Trails could not be read: ${e.message}`,
        remediation: TRAIL_FIX,
      };
    } finally {
      trails.destroy();
    }
  }
}

function pass(name: CoverageCheck['name'], message: string): CoverageCheck {
  return { name, ok: true, message, remediation: null };
}
