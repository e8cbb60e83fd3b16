// `npm run soak`: the chaos test's rounds, many times over a bigger inventory (not part of CI).
// Reports what it injected and how long convergence took; exits 1 when anything did not converge.
// SOAK_ROUNDS (default 6) sets the rounds.
import { Chaos } from '../support/chaos.harness';
import { startSyncHarness } from '../support/sync.harness';

const ACCOUNT = '740000000001';
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'];

async function main(): Promise<void> {
  const rounds = Number(process.env.SOAK_ROUNDS ?? 6);
  const h = await startSyncHarness({
    scenario: {
      seed: 'soak',
      accounts: [{ id: ACCOUNT }],
      regions: REGIONS,
      resources: {
        perAccountRegion: {
          'AWS::S3::Bucket': 10,
          'AWS::ECS::Cluster': 10,
          'AWS::EC2::Instance': 120,
          'AWS::Lambda::Function': 60,
          'AWS::RDS::DBInstance': 10,
        },
      },
      latencyMs: 40,
      paging: { maxPageSize: 5, emptyPageRate: 0.1 },
      throttle: { ratePerSecond: 40, burst: 10 },
    },
    mode: 'account',
    accountId: ACCOUNT,
    regions: REGIONS,
    worker: false,
  });
  h.onboard([ACCOUNT]);
  const chaos = new Chaos(h);
  const started = Date.now();
  let problems: string[] = [];
  try {
    await chaos.start();
    for (let i = 0; i < rounds; i++) {
      await chaos.round();
      process.stdout.write(`round ${i + 1}/${rounds}: ${JSON.stringify(chaos.report.injected)}\n`);
    }
    await chaos.converge(300_000);
    problems = await chaos.problems();
  } finally {
    await chaos.stop();
    await h.close();
  }
  const r = chaos.report;
  process.stdout.write(
    `${JSON.stringify(
      {
        rounds: r.rounds,
        injected: r.injected,
        sandboxChanges: {
          created: r.changed.created.length,
          updated: r.changed.updated.length,
          deleted: r.changed.deleted.length,
        },
        runs: r.runs,
        convergenceSeconds: r.convergenceMs / 1000,
        totalSeconds: (Date.now() - started) / 1000,
        problems,
      },
      null,
      2,
    )}\n`,
  );
  process.exit(problems.length ? 1 : 0);
}

main().catch((err: Error) => {
  process.stderr.write(`soak failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
