// The committed template is the rendered one, and cfn-lint (with the current resource
// specification, as libs/onboarding's lint test does) finds no error in it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '@tally/common';
import { parseTemplate } from '@tally/onboarding';
import {
  renderSqsDeliveryTemplate,
  SQS_DELIVERY_TEMPLATE_FILE,
  sqsDeliveryParameters,
} from './sqs-delivery.template';

type Obj = Record<string, any>;

describe('the SQS delivery template', () => {
  it('is committed as rendered', () => {
    const committed = readFileSync(join(repoRoot(), 'cloudformation', SQS_DELIVERY_TEMPLATE_FILE), 'utf8');
    assert.equal(committed, renderSqsDeliveryTemplate());
  });

  it('lints clean and trusts exactly the destination subject', () => {
    const awsData = require('cfn-lint/lib/awsData') as { awsResources: Obj };
    const spec = require('@aws-cdk/cfnspec').specification() as Obj;
    Object.assign(awsData.awsResources.ResourceTypes, spec.ResourceTypes);
    Object.assign(awsData.awsResources.PropertyTypes, spec.PropertyTypes);
    awsData.awsResources.ResourceTypes['AWS::IAM::OIDCProvider'].Properties.ThumbprintList.Required = false;
    const validator = require('cfn-lint/lib/validator') as {
      resetValidator(): void;
      validateJsonObject(o: unknown): { errors: { crit: { message: string; resource: string }[] } };
    };
    validator.resetValidator();
    const template = parseTemplate(renderSqsDeliveryTemplate());
    const result = validator.validateJsonObject(structuredClone(template));
    assert.deepEqual(
      result.errors.crit.map((e) => `${e.resource}: ${e.message}`),
      [],
    );
    const trust = JSON.stringify((template.Resources as Obj).Role.Properties.AssumeRolePolicyDocument);
    assert.match(trust, /\$\{IssuerHost\}:sub.*\$\{Subject\}/);
    assert.match(trust, /StringEquals/);
    const params = sqsDeliveryParameters(
      { OIDC_ISSUER_URL: 'https://tally.example.com', OIDC_AUDIENCE: 'sts.amazonaws.com' },
      '11111111-1111-4111-8111-111111111111',
      '22222222-2222-4222-8222-222222222222',
    );
    assert.equal(
      params.Subject,
      'tenant:11111111-1111-4111-8111-111111111111:destination:22222222-2222-4222-8222-222222222222',
    );
    assert.match(params.Subject, new RegExp((template.Parameters as Obj).Subject.AllowedPattern));
    assert.equal(params.IssuerHost, 'tally.example.com');
  });
});
