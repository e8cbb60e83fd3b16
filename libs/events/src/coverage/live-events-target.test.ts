import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveEventsTarget } from './live-events-target';

const config = {
  OIDC_ISSUER_URL: 'https://tally.example.com',
  OIDC_AUDIENCE: 'sts.amazonaws.com',
  AWS_REGION: 'us-east-1',
};
const connection = {
  id: '66666666-7777-4888-8999-000000000000',
  tenantId: '11111111-2222-4333-8444-555555555555',
  accountId: '123456789012',
  mode: 'organization' as const,
  roleName: 'TallyReadOnly',
  regions: ['eu-west-1', 'us-east-1'],
  homeRegion: null,
};

describe('liveEventsTarget', () => {
  it('covers the management account and members in every region; each gap names its own fix', () => {
    const t = liveEventsTarget(connection, ['210987654321'], config);
    assert.equal(t.homeRegion, 'eu-west-1', 'default: the first of regions');
    assert.deepEqual(t.accountIds, ['123456789012', '210987654321']);
    assert.equal(t.queueName, 'tally-events-66666666');
    assert.equal(t.forwarderRuleName, 'tally-forwarder-66666666');
    // The management account's other region: the manual forwarder command.
    assert.match(
      t.forwarderFix('123456789012', 'us-east-1'),
      /aws cloudformation deploy[\s\S]*--region us-east-1/,
    );
    // A member: the StackSet's missing instance.
    assert.match(
      t.forwarderFix('210987654321', 'us-east-1'),
      /StackSet tally-666666667777-forwarders has no instance for account 210987654321 in us-east-1/,
    );
  });
});
