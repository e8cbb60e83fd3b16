import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TallyError } from '@tally/common';
import { awsErrorCode, classifyAwsError, isThrottled } from './aws-error.classifier';

const sdkError = (name: string, message = '', status = 400, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    ...extra,
  });

describe('classifyAwsError', () => {
  const ctx = {
    operation: 'AssumeRoleWithWebIdentity',
    accountId: '123456789012',
    issuer: 'https://tally.example.com',
    audience: 'sts.amazonaws.com',
  };

  it('maps the STS web-identity failures to customer-actionable reasons', () => {
    const cases: [Error, string, string][] = [
      [
        sdkError(
          'InvalidIdentityTokenException',
          'No OpenIDConnect provider found in your account for https://tally.example.com',
          400,
          { Code: 'InvalidIdentityToken' },
        ),
        'oidc_provider_missing',
        'customer',
      ],
      [
        sdkError('InvalidIdentityTokenException', 'Incorrect token audience', 400, {
          Code: 'InvalidIdentityToken',
        }),
        'audience_rejected',
        'customer',
      ],
      [
        sdkError('InvalidIdentityTokenException', "Couldn't retrieve verification key", 400),
        'token_rejected',
        'customer',
      ],
      [
        sdkError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403),
        'trust_policy_rejected',
        'customer',
      ],
      [sdkError('IDPCommunicationErrorException', 'could not be reached'), 'idp_unreachable', 'transient'],
      [sdkError('RegionDisabledException', 'STS is not activated'), 'region_disabled', 'customer'],
      [sdkError('ExpiredTokenException', 'Token expired'), 'token_expired', 'transient'],
    ];
    for (const [err, reason, kind] of cases) {
      const c = classifyAwsError(err, ctx);
      assert.ok(c instanceof TallyError);
      assert.equal(c.code, 'aws_error');
      assert.equal(c.reason, reason, err.message);
      assert.equal(c.kind, kind, err.message);
      assert.ok(c.remediation && c.remediation.length > 20, `${reason} has a remediation`);
      assert.equal(c.cause, err);
    }
    const missing = classifyAwsError(cases[0][0], ctx);
    assert.equal(missing.awsCode, 'InvalidIdentityToken');
    assert.match(
      missing.message,
      /Account 123456789012 has no IAM OIDC provider for Tally's issuer https:\/\/tally\.example\.com/,
    );
    assert.match(missing.remediation!, /tally\.example\.com/);
  });

  it('classifies Cloud Control / Organizations errors, namespaced codes included', () => {
    const c = (name: string, status = 400, operation = 'ListResources') =>
      classifyAwsError(sdkError(name, 'm', status), { operation });
    assert.equal(c('com.amazon.coral.service#AccessDeniedException').reason, 'access_denied');
    assert.equal(c('com.amazon.coral.service#AccessDeniedException').awsCode, 'AccessDeniedException');
    assert.equal(c('AccessDeniedException').kind, 'customer');
    assert.equal(c('UnsupportedActionException').reason, 'unsupported');
    assert.equal(c('ThrottlingException').kind, 'transient');
    assert.equal(c('HandlerInternalFailureException').kind, 'transient');
    assert.equal(
      c('AWSOrganizationsNotInUseException', 400, 'ListAccounts').reason,
      'organizations_not_in_use',
    );
    assert.equal(c('ExpiredToken').reason, 'credentials_expired');
    assert.equal(c('ExpiredTokenException').kind, 'transient');
    assert.equal(c('SomethingNew', 503).kind, 'transient');
    assert.equal(c('SomethingNew', 429).reason, 'throttled');
    assert.equal(c('SomethingNew', 400).kind, 'internal');
  });

  it('treats network failures as transient and never loses an already classified error', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(awsErrorCode(refused), 'ECONNREFUSED');
    assert.equal(classifyAwsError(refused).reason, 'network');
    assert.equal(classifyAwsError(refused).kind, 'transient');
    const once = classifyAwsError(sdkError('AccessDenied', '', 403), ctx);
    assert.equal(classifyAwsError(once), once);
  });

  it("throttling is the SDK's classification: codes the old hand list missed now count, quotas stay apart", () => {
    const c = (name: string, extra: Record<string, unknown> = {}) =>
      classifyAwsError(sdkError(name, 'm', 400, extra), { operation: 'ListResources' });
    // The first four were 'unknown' (internal, never retried) before the hand list gave way to the
    // SDK's; the rest were throttling already, and the pacer saw all of them as throttling.
    for (const name of [
      'ProvisionedThroughputExceededException',
      'BandwidthLimitExceeded',
      'EC2ThrottledException',
      'TransactionInProgressException',
      'ThrottlingException',
      'Throttling',
      'LimitExceededException',
      'PriorRequestNotComplete',
    ]) {
      assert.equal(c(name).reason, 'throttled', name);
      assert.equal(c(name).kind, 'transient', name);
      assert.equal(c(name).remediation, 'No action needed: Tally retries with backoff.');
    }
    // The model's throttling trait, whatever the code.
    assert.equal(c('SomethingNew', { $retryable: { throttling: true } }).reason, 'throttled');
    assert.equal(c('ServiceQuotaExceededException').reason, 'unknown');
    assert.equal(isThrottled(undefined), false);
    assert.equal(isThrottled('ThrottlingException'), false);
  });
});
