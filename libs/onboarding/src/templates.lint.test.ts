// cfn-lint (the npm project) ships an old resource specification without AWS::IAM::OIDCProvider and
// AWS::CloudFormation::StackSet: merge @aws-cdk/cfnspec's current ResourceTypes/PropertyTypes into
// it before linting, and reset the validator before each template.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTemplate } from './cfn-yaml';
import { renderForwarderTemplate, renderTemplate } from './onboarding.templates';

type Obj = Record<string, any>;
interface LintResult {
  templateValid: boolean;
  errors: { crit: { message: string; resource: string }[]; warn: { message: string }[] };
}
const validator = require('cfn-lint/lib/validator') as {
  resetValidator(): void;
  validateJsonObject(o: unknown): LintResult;
};

function lint(template: Obj): LintResult {
  validator.resetValidator();
  return validator.validateJsonObject(structuredClone(template));
}

const crit = (r: LintResult) => r.errors.crit.map((e) => `${e.resource}: ${e.message}`);

describe('cfn-lint with the current resource specification', () => {
  before(() => {
    const awsData = require('cfn-lint/lib/awsData') as { awsResources: Obj };
    const spec = require('@aws-cdk/cfnspec').specification() as Obj;
    Object.assign(awsData.awsResources.ResourceTypes, spec.ResourceTypes);
    Object.assign(awsData.awsResources.PropertyTypes, spec.PropertyTypes);
    // cfnspec 2.72 predates IAM's 2023 change: the current registry schema of AWS::IAM::OIDCProvider
    // no longer requires ThumbprintList (IAM secures the provider with its trusted root CAs).
    awsData.awsResources.ResourceTypes['AWS::IAM::OIDCProvider'].Properties.ThumbprintList.Required = false;
  });

  for (const mode of ['account', 'organization'] as const) {
    it(`the ${mode} template has zero errors`, () => {
      const result = lint(parseTemplate(renderTemplate(mode)));
      assert.deepEqual(crit(result), []);
      assert.equal(result.templateValid, true);
    });
  }

  it('the live-event forwarder template has zero errors', () => {
    const result = lint(parseTemplate(renderForwarderTemplate()));
    assert.deepEqual(crit(result), []);
    assert.equal(result.templateValid, true);
  });

  it('is live for the live-event resources: misspelled queue, rule and trail properties are caught', () => {
    const t = parseTemplate(renderTemplate('account')) as Obj;
    const q = t.Resources.EventsQueue.Properties;
    q.RedrivePolicys = q.RedrivePolicy;
    delete q.RedrivePolicy;
    t.Resources.EventsRule.Properties.EventPatern = t.Resources.EventsRule.Properties.EventPattern;
    t.Resources.Trail.Properties.IsMultiRegion = true;
    const result = lint(t);
    assert.equal(result.templateValid, false);
    const messages = crit(result).join('\n');
    for (const mistake of ['RedrivePolicys', 'EventPatern', 'IsMultiRegion'])
      assert.ok(messages.includes(mistake), `${mistake} not caught:\n${messages}`);
  });

  // One validation costs about a second (cfn-lint deep-merges its specification each time): the
  // member template is the account template byte for byte (templates.test.ts), and the three
  // deliberate mistakes share one run.
  it('is live: a misspelled property, a misspelled StackSet property and a bad ${Ref} in Fn::Sub are all caught', () => {
    const t = parseTemplate(renderTemplate('organization')) as Obj;
    const role = t.Resources.Role.Properties;
    role.MaxSessionDurations = role.MaxSessionDuration;
    delete role.MaxSessionDuration;
    t.Resources.MemberStackSet.Properties.PermisionModel =
      t.Resources.MemberStackSet.Properties.PermissionModel;
    t.Resources.OidcProvider.Properties.Url = { 'Fn::Sub': 'https://${IssuerHots}' };
    const result = lint(t);
    assert.equal(result.templateValid, false);
    const messages = crit(result).join('\n');
    for (const mistake of ['MaxSessionDurations', 'PermisionModel', 'IssuerHots'])
      assert.ok(messages.includes(mistake), `${mistake} not caught:\n${messages}`);
  });
});
