import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCloudSandbox } from '../index';
import { awsError, fakeContext, shippedScenario } from '../testing.helpers';

const MGMT = '111111111111';

function orgs(scenario: unknown) {
  const sandbox = createCloudSandbox({ scenario });
  return { sandbox, service: sandbox.services.find((s) => s.targetPrefix === 'AWSOrganizationsV20161128')! };
}

type Page = {
  Accounts: { Id: string; Status: string; JoinedTimestamp: number; Arn: string }[];
  NextToken?: string;
};

describe('Organizations', () => {
  it('lists accounts in pages of at most 20 with NextToken, epoch-second timestamps, all statuses', async () => {
    const { sandbox, service } = orgs(shippedScenario('small'));
    for (let i = 0; i < 42; i++)
      await sandbox.controlRoutes['POST /_sandbox/accounts']!(
        { id: String(500000000000 + i) },
        new URLSearchParams(),
      );
    const ctx = fakeContext(MGMT, 'us-east-1');
    const sizes: number[] = [];
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = (await service.handle('ListAccounts', { NextToken: token }, ctx)) as Page;
      sizes.push(page.Accounts.length);
      ids.push(...page.Accounts.map((a) => a.Id));
      token = page.NextToken;
      for (const a of page.Accounts) assert.equal(typeof a.JoinedTimestamp, 'number');
    } while (token);
    assert.deepEqual(sizes, [20, 20, 5]);
    assert.equal(new Set(ids).size, 45);
    assert.equal(ids[0], MGMT);
    assert.deepEqual(ctx.authorized, [
      'organizations:ListAccounts',
      'organizations:ListAccounts',
      'organizations:ListAccounts',
    ]);
    const first = (await service.handle('ListAccounts', { MaxResults: 2 }, ctx)) as Page;
    assert.equal(first.Accounts.length, 2);
    assert.match(
      first.Accounts[0]!.Arn,
      /^arn:aws:organizations::111111111111:account\/o-[a-z0-9]{10}\/111111111111$/,
    );
    const suspended = ((await service.handle('ListAccounts', {}, ctx)) as Page).Accounts.find(
      (a) => a.Id === '333333333333',
    );
    assert.equal(suspended?.Status, 'SUSPENDED');
  });

  it('refuses member accounts and standalone accounts as AWS does', async () => {
    const { service } = orgs(shippedScenario('small'));
    const member = await awsError(
      service.handle('ListAccounts', {}, fakeContext('222222222222', 'us-east-1')),
    );
    assert.equal(member.code, 'AccessDeniedException');
    const described = (await service.handle(
      'DescribeOrganization',
      {},
      fakeContext('222222222222', 'us-east-1'),
    )) as {
      Organization: { MasterAccountId: string };
    };
    assert.equal(described.Organization.MasterAccountId, MGMT);
    const standalone = orgs({ accounts: [{ id: '999999999999' }] }).service;
    const notInUse = await awsError(
      standalone.handle('ListAccounts', {}, fakeContext('999999999999', 'us-east-1')),
    );
    assert.equal(notInUse.code, 'AWSOrganizationsNotInUseException');
  });

  it('reflects added, suspended and removed accounts in ListAccounts and organization()', async () => {
    const { sandbox, service } = orgs(shippedScenario('small'));
    const routes = sandbox.controlRoutes;
    await routes['POST /_sandbox/accounts']!({ id: '444444444444', name: 'new' }, new URLSearchParams());
    await routes['PATCH /_sandbox/accounts']!(
      { id: '222222222222', status: 'SUSPENDED' },
      new URLSearchParams(),
    );
    await routes['DELETE /_sandbox/accounts']!(undefined, new URLSearchParams({ id: '333333333333' }));
    const page = (await service.handle('ListAccounts', {}, fakeContext(MGMT, 'us-east-1'))) as Page;
    assert.deepEqual(
      page.Accounts.map((a) => [a.Id, a.Status]),
      [
        [MGMT, 'ACTIVE'],
        ['222222222222', 'SUSPENDED'],
        ['444444444444', 'ACTIVE'],
      ],
    );
    assert.deepEqual(sandbox.organization(), {
      managementAccountId: MGMT,
      accounts: [
        { id: MGMT, status: 'ACTIVE' },
        { id: '222222222222', status: 'SUSPENDED' },
        { id: '444444444444', status: 'ACTIVE' },
      ],
    });
  });
});
