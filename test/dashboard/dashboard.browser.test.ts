// The dashboard in a real browser (Debian's Chromium) against a real api + worker + AWS sandbox:
// sign in, follow a sync to completion, read errors, browse the inventory, stay inside one tenant.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import {
  apiCall,
  assertDashboardBuilt,
  DEMO_ACCOUNT,
  DENIED_TYPE,
  launchBrowser,
  onboardTenant,
  OTHER_ACCOUNT,
  screenshotPath,
  startStack,
  type OnboardedTenant,
  type Stack,
} from '../support/browser.harness';

interface Summary {
  resources: { total: number; byType: Record<string, number> };
}

describe('dashboard in a browser', { timeout: 90_000 }, () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let page: Page;
  let demo: OnboardedTenant;
  let other: OnboardedTenant;
  const pageErrors: string[] = [];
  let runId = '';

  before(async () => {
    assertDashboardBuilt();
    stack = await startStack();
    const launching = launchBrowser(stack.url);
    [demo, other] = await Promise.all([
      onboardTenant(stack, 'Acme Corp', DEMO_ACCOUNT, 'acme-production'),
      onboardTenant(stack, 'Globex', OTHER_ACCOUNT, 'globex-main'),
    ]);
    browser = await launching;
    context = browser.context;
    context.setDefaultTimeout(15_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/status of (401|404)/.test(msg.text())) pageErrors.push(msg.text());
    });
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('turns a bad key away with a clear message', async () => {
    await page.goto('/');
    await page.getByLabel('API key').fill(`tly_${'x'.repeat(43)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    await page.screenshot({ path: screenshotPath('sign-in') });
    assert.equal(await page.evaluate<string | null>("sessionStorage.getItem('tally.apiKey')"), null);
  });

  it('signs in with a tenant key and shows the demo connection, active', async () => {
    await page.getByLabel('API key').fill(demo.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const row = page.locator(`tr[data-connection-id="${demo.connectionId}"]`);
    await row.getByRole('link', { name: 'acme-production' }).waitFor();
    assert.equal(await row.locator('.badge').first().textContent(), 'active');
    assert.equal(await page.evaluate<string | null>("sessionStorage.getItem('tally.apiKey')"), demo.key);
  });

  it('triggers a sync and follows its progress to completion', async () => {
    await page.getByRole('link', { name: 'acme-production' }).click();
    await page.getByRole('heading', { name: /acme-production/ }).waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.waitForURL(/\/runs\//);
    runId = page.url().split('/runs/')[1];
    const bar = page.getByRole('progressbar', { name: 'Tasks done' });
    await bar.waitFor();
    // Sample the bar while the run goes on: it must only move forward and end full.
    const seen: number[] = [];
    const deadline = Date.now() + 45_000;
    for (;;) {
      // Status first: once it is final the page no longer changes, so the bar read after it is the final one.
      const status = await page.locator('h1 .badge').textContent();
      const done = Number(await bar.getAttribute('aria-valuenow'));
      const total = Number(await bar.getAttribute('aria-valuemax'));
      seen.push(done);
      if (status === 'succeeded' || status === 'partial' || status === 'failed') {
        assert.equal(status, 'partial', 'the denied type makes the run partial');
        assert.ok(total > 0 && done === total, `progress ended at ${done}/${total}`);
        break;
      }
      assert.ok(Date.now() < deadline, `the run did not finish; progress seen: ${seen.join(',')}`);
      await page.waitForTimeout(200);
    }
    for (let i = 1; i < seen.length; i++)
      assert.ok(seen[i] >= seen[i - 1], `progress went back: ${seen.join(',')}`);
    const run = await apiCall<{ resourcesSeen: number; tasksTotal: number }>(
      stack.url,
      demo.key,
      'GET',
      `/v1/tenants/${demo.tenantId}/syncs/${runId}`,
    );
    assert.equal(
      await page.getByTestId('run-resources').textContent(),
      run.resourcesSeen.toLocaleString('en'),
    );
    await page.getByRole('heading', { name: /^Errors/ }).waitFor();
    await page.screenshot({ path: screenshotPath('run'), fullPage: true });
  });

  it('lists every error of the run with its remediation', async () => {
    const errors = page.locator('.error-item');
    assert.equal(await errors.count(), 3, 'one denied task per region');
    for (const text of await errors.allTextContents()) {
      assert.match(text, /AWS::Lambda::Function/);
      assert.match(text, /AccessDenied/);
      assert.match(text, /What to do:/);
    }
  });

  it('shows per-type counts equal to the API summary', async () => {
    await page.getByRole('link', { name: 'Overview' }).first().click();
    const summary = await apiCall<Summary>(
      stack.url,
      demo.key,
      'GET',
      `/v1/tenants/${demo.tenantId}/summary`,
    );
    const section = page.locator(`section[data-tenant-id="${demo.tenantId}"]`);
    await section
      .getByTestId('summary-total')
      .filter({ hasText: summary.resources.total.toLocaleString('en') })
      .waitFor();
    const chips = await section
      .locator('[data-testid="summary"] a.chip')
      .evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-type'), Number(e.getAttribute('data-count'))] as const),
      );
    const expected = Object.entries(summary.resources.byType).filter(([, n]) => n > 0);
    assert.deepEqual(Object.fromEntries(chips), Object.fromEntries(expected));
    assert.ok(
      expected.length >= 4,
      `the summary has the synced types: ${JSON.stringify(summary.resources.byType)}`,
    );
    assert.equal(summary.resources.byType[DENIED_TYPE] ?? 0, 0, 'nothing of the denied type was collected');
    await section.locator('tr[data-connection-id] .badge-partial').waitFor();
    await page.screenshot({ path: screenshotPath('overview'), fullPage: true });
  });

  it("opens a failing task's error from the latest run grid", async () => {
    await page.getByRole('link', { name: 'acme-production' }).click();
    const denied = page.locator(`button.cell[data-status="denied"][data-type="${DENIED_TYPE}"]`).first();
    await denied.waitFor();
    assert.equal(await page.locator('button.cell[data-status="denied"]').count(), 3);
    await denied.focus();
    const tip = page.locator(`#${await denied.getAttribute('aria-describedby')}`);
    await tip.waitFor({ state: 'visible' });
    assert.match((await tip.textContent()) ?? '', /AccessDenied/);
    await page.screenshot({ path: screenshotPath('connection-error-tooltip') });
    await page.keyboard.press('Enter');
    const detail = page.getByRole('region', { name: 'Task details' });
    await detail.waitFor();
    assert.match((await detail.textContent()) ?? '', /What to do:/);
    await page.screenshot({ path: screenshotPath('connection'), fullPage: true });
  });

  it('browses, filters and pages the inventory, and opens a resource', async () => {
    const summary = await apiCall<Summary>(
      stack.url,
      demo.key,
      'GET',
      `/v1/tenants/${demo.tenantId}/summary`,
    );
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inventory' }).click();
    await page.getByRole('heading', { name: /Inventory/ }).waitFor();
    await page.locator('tr[data-resource-id]').first().waitFor();
    await page.getByLabel('Type').selectOption('AWS::EC2::Instance');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/type=AWS%3A%3AEC2%3A%3AInstance/);
    const ec2 = summary.resources.byType['AWS::EC2::Instance'];
    assert.ok(ec2 > 50, 'enough instances for two pages');
    await page.locator('.pager').getByText('50 shown').waitFor();
    const types = await page.locator('tr[data-resource-id] td:nth-child(2)').allTextContents();
    assert.ok(
      types.every((t) => t === 'EC2 Instance'),
      `only instances: ${[...new Set(types)].join(',')}`,
    );
    const firstPage = await page
      .locator('tr[data-resource-id]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-resource-id')));
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.locator('.pager').getByText('Page 2').waitFor();
    await page
      .locator('.pager')
      .getByText(`${ec2 - 50} shown`)
      .waitFor();
    const secondPage = await page
      .locator('tr[data-resource-id]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-resource-id')));
    assert.equal(firstPage.length + secondPage.length, ec2);
    assert.equal(new Set([...firstPage, ...secondPage]).size, ec2, 'pages do not overlap');
    await page.getByRole('button', { name: '← Previous' }).click();
    await page.locator('.pager').getByText('Page 1').waitFor();

    // A tag filter and a text search narrow it to what the API answers for the same query.
    const tagged = await apiCall<{
      items: { name: string; identifier: string; tags: Record<string, string> }[];
    }>(
      stack.url,
      demo.key,
      'GET',
      `/v1/tenants/${demo.tenantId}/resources?type=AWS::EC2::Instance&limit=100`,
    );
    const sample = tagged.items.find((r) => Object.keys(r.tags).length > 0);
    assert.ok(sample, 'some instances carry tags');
    const [tagKey, tagValue] = Object.entries(sample.tags)[0];
    const expected = tagged.items.filter((r) => r.tags[tagKey] === tagValue).length;
    await page.getByLabel('Tag').fill(`${tagKey}:${tagValue}`);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page
      .locator('.pager')
      .getByText(`${Math.min(expected, 50)} shown`)
      .waitFor();
    await page.screenshot({ path: screenshotPath('inventory'), fullPage: true });
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Search').fill(sample.identifier);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('.pager').getByText('1 shown').waitFor();

    await page.locator('tr[data-resource-id] a').first().click();
    await page.getByRole('heading', { name: 'Change history' }).waitFor();
    await page.locator('.timeline .badge-change-created').waitFor();
    assert.match((await page.locator('pre.json').textContent()) ?? '', /InstanceId|InstanceType/);
    assert.match((await page.locator('dl.facts').textContent()) ?? '', new RegExp(sample.identifier));
    await page.screenshot({ path: screenshotPath('resource'), fullPage: true });
  });

  it("keeps a tenant key out of another tenant's data", async () => {
    assert.equal(await page.getByText('Globex').count(), 0);
    await page.goto(`/tenants/${other.tenantId}/connections/${other.connectionId}`);
    await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
    assert.equal(await page.getByText('globex-main').count(), 0);
    await page.goto(`/tenants/${other.tenantId}/resources`);
    await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
    assert.equal(await page.locator('tr[data-resource-id]').count(), 0);
  });

  it('shows every tenant to an admin key, and stays usable in a narrow window', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(stack.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('heading', { name: 'Globex' }).waitFor();
    await page.getByRole('heading', { name: 'Acme Corp' }).waitFor();
    // Problems first: Acme's partial run puts it above Globex, which has never synced.
    const order = await page.locator('section[data-tenant-id] h2').allTextContents();
    assert.deepEqual(order, ['Acme Corp', 'Globex']);
    await page.setViewportSize({ width: 400, height: 900 });
    await page.goto(`/tenants/${demo.tenantId}/runs/${runId}`);
    await page.getByRole('progressbar', { name: 'Tasks done' }).waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 400px`);
    await page.screenshot({ path: screenshotPath('run-narrow'), fullPage: true });
  });

  it('raised no uncaught error in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
