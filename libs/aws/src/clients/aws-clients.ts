import { CloudControlClient } from '@aws-sdk/client-cloudcontrol';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { Metrics } from '@tally/metrics';
import type { CallPacer } from '../collector/call-pacer';
import { PacedRetryStrategy } from '../collector/paced-retry.strategy';
import { awsClientDefaults } from '../credentials/aws-client-defaults';
import { instrumentAwsClient } from './aws-call.middleware';

type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

/**
 * Makes every AWS SDK client Tally uses: the configured region, sandbox endpoint and retries, and
 * Tally's call middleware reporting to the application's metrics. The caller destroys the client.
 */
@Injectable()
export class AwsClients {
  constructor(
    @Inject(APP_CONFIG) readonly config: AppConfig,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  /** STS in the home region (AssumeRoleWithWebIdentity needs no credentials). */
  sts(credentials?: Credentials): STSClient {
    const options = { ...awsClientDefaults(this.config, 'sts'), ...(credentials ? { credentials } : {}) };
    return instrumentAwsClient(new STSClient(options), this.metrics);
  }

  /** Organizations in its partition's home region. */
  organizations(credentials: Credentials): OrganizationsClient {
    const options = { ...awsClientDefaults(this.config, 'organizations'), credentials };
    return instrumentAwsClient(new OrganizationsClient(options), this.metrics);
  }

  /** SQS in `region` (a customer's delivery queue); `requestTimeoutMs` bounds each request. */
  sqs(region: string, credentials: Credentials, requestTimeoutMs: number): SQSClient {
    const options = { ...awsClientDefaults(this.config, 'sqs', region), credentials };
    return instrumentAwsClient(
      new SQSClient({ ...options, requestHandler: { requestTimeout: requestTimeoutMs } }),
      this.metrics,
    );
  }

  /** Cloud Control in `region`; `pacer` paces its retries (callers take a turn before each first attempt). */
  cloudControl(region: string, credentials: Credentials, pacer: CallPacer): CloudControlClient {
    const defaults = awsClientDefaults(this.config, 'cloudcontrol', region);
    const retryStrategy = new PacedRetryStrategy(defaults.maxAttempts, pacer);
    return instrumentAwsClient(
      new CloudControlClient({ ...defaults, retryStrategy, credentials }),
      this.metrics,
    );
  }
}
