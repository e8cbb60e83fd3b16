// Mappings: resources/s mapped with Port's default AWS mapping by Tally's jq pool (jq-web, one worker
// thread = one core), beside the same compiled jq programs run by Debian's jq binary over the same
// inputs in the same batches, in the same run.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  compileMapping,
  defaultPortMapping,
  evaluateMapping,
  jqInput,
  JqPool,
  sampleAccount,
  sampleResources,
  type MappableResource,
} from '@tally/mapping';
import { envInt, int, ms, perSecond, progress, quantile, type BenchResult } from './support/report';

const TARGET_PER_SECOND = 5_000;
const BATCH = 1_000;

export async function mappingBench(): Promise<BenchResult> {
  const started = Date.now();
  const total = envInt('BENCH_MAPPING_RESOURCES', 20_000);
  const rounds = envInt('BENCH_MAPPING_ROUNDS', 3);
  const accounts = Math.floor(total / 100);
  const resources: MappableResource[] = [
    ...sampleResources(total - accounts),
    ...Array.from({ length: accounts }, (_, i) => sampleAccount(i)),
  ];
  const pool = new JqPool({ size: 1 });
  try {
    let t0 = performance.now();
    const compiled = await compileMapping(defaultPortMapping(), pool);
    const compileMs = performance.now() - t0;
    progress('mapping', `compiled Port's default mapping in ${ms(compileMs)} (worker start included)`);
    await evaluateMapping(compiled, resources.slice(0, BATCH), { pool, batchSize: BATCH });

    const walls: number[] = [];
    const cpus: number[] = [];
    const loopUse: number[] = [];
    let entities = 0;
    for (let round = 0; round < rounds; round++) {
      const elu0 = performance.eventLoopUtilization();
      const cpu0 = process.cpuUsage();
      t0 = performance.now();
      const result = await evaluateMapping(compiled, resources, { pool, batchSize: BATCH });
      walls.push(performance.now() - t0);
      cpus.push(cpuMs(process.cpuUsage(cpu0)));
      loopUse.push(performance.eventLoopUtilization(elu0).utilization);
      if (result.errors.length || result.entities.length !== total) {
        throw new Error(
          `expected ${total} entities and no error, got ${result.entities.length} and ${result.errors.length} errors (first: ${JSON.stringify(result.errors[0])})`,
        );
      }
      entities = result.entities.length;
      progress(
        'mapping',
        `round ${round + 1}: ${ms(walls[round])} wall, ${ms(cpus[round])} CPU (${perSecond(total / (cpus[round] / 1000), 'resources')} per CPU-second)`,
      );
    }

    // The same programs, inputs and batches through the jq binary (one process per batch, as one jq
    // run per batch here), checked to give the same output as jq-web.
    const batches: { program: string; input: string }[] = [];
    for (const [kind, k] of compiled.kinds) {
      const inputs = resources.filter((r) => r.type === kind).map(jqInput);
      for (let i = 0; i < inputs.length; i += BATCH) {
        batches.push({ program: k.program, input: JSON.stringify(inputs.slice(i, i + BATCH)) });
      }
    }
    const binaryWalls: number[] = [];
    const binaryCpus: number[] = [];
    for (let round = 0; round < rounds; round++) {
      t0 = performance.now();
      let cpu = 0;
      for (const b of batches) cpu += (await jqBinary(b.program, b.input)).cpuMs;
      binaryWalls.push(performance.now() - t0);
      binaryCpus.push(cpu);
      progress('mapping', `jq binary round ${round + 1}: ${ms(binaryWalls[round])} wall, ${ms(cpu)} CPU`);
    }
    for (const b of batches.filter((_, i) => i % 5 === 0)) {
      const ours: unknown = JSON.parse(await pool.run(b.program, b.input));
      const theirs: unknown = JSON.parse((await jqBinary(b.program, b.input)).stdout);
      if (JSON.stringify(ours) !== JSON.stringify(theirs))
        throw new Error('jq-web and the jq binary disagree on a batch');
    }

    // Per core = per CPU-second: the machine is shared, so wall time says more about the neighbours.
    const rate = total / (quantile(cpus, 0.5) / 1000);
    const binaryRate = total / (quantile(binaryCpus, 0.5) / 1000);
    const wallRate = total / (quantile(walls, 0.5) / 1000);
    const binaryWallRate = total / (quantile(binaryWalls, 0.5) / 1000);
    return {
      bench: 'mapping',
      startedAt: new Date(started).toISOString(),
      seconds: (Date.now() - started) / 1000,
      setup: [
        `${int(total)} resources (${int(total - accounts)} Cloud Control-shaped S3, EC2, ECS, Lambda and RDS models in equal parts, ${int(accounts)} Organizations accounts), Port's default AWS mapping (${compiled.kinds.size} kinds), compiled once; evaluateMapping in batches of ${int(BATCH)} (one jq run per kind and batch) on a pool of ONE worker thread; ${rounds} rounds, the median reported.`,
        `Bound: the same compiled programs over the same JSON inputs and batches, run by Debian's jq binary (${int(batches.length)} processes per round, started one after the other), same run; the ratio is Tally / jq binary.`,
      ],
      rows: [
        {
          name: `mapping (Port default, ${int(total)} resources, 1 worker)`,
          measured: `${perSecond(rate, 'resources')} per core (wall ${perSecond(wallRate, 'resources')})`,
          bound: `jq 1.6 binary: ${perSecond(binaryRate, 'resources')} per core (wall ${perSecond(binaryWallRate, 'resources')})`,
          ratio: rate / binaryRate,
          target: `≥ ${int(TARGET_PER_SECOND)}/s per core`,
          pass: rate >= TARGET_PER_SECOND,
        },
      ],
      notes: [
        `Per core = resources per CPU-second: Tally's process CPU time (process.cpuUsage: the worker, the main thread, GC) and the jq processes' CPU time (the shell's \`times\`), so a busy shared machine does not count against either; wall rates beside them.`,
        `Rounds: ${walls.map(ms).join(', ')} wall, ${cpus.map(ms).join(', ')} CPU (jq binary: ${binaryWalls.map(ms).join(', ')} wall, ${binaryCpus.map(ms).join(', ')} CPU); ${int(entities)} entities per round, no error.`,
        `Main event loop busy ${loopUse.map((u) => `${Math.round(u * 100)} %`).join(', ')} of each round (building the batches, structured clone to and from the worker); jq runs in the worker.`,
        `Compiling the mapping (first time, worker start included): ${ms(compileMs)}; cached by content hash afterwards.`,
        'A sampled fifth of the batches was checked to give the same output from jq-web and from the jq binary.',
      ],
    };
  } finally {
    await pool.close();
  }
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

/** One `jq -c program` process over `input`: its stdout and CPU time (the shell's `times`). */
function jqBinary(program: string, input: string): Promise<{ stdout: string; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const script = 'jq -c "$1" || exit $?; times >&2';
    const child = spawn('sh', ['-c', script, 'sh', program], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new Error(`cannot run jq (apt-get install -y jq): ${e.message}`)));
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0)
        return reject(new Error(`jq exited ${code} (apt-get install -y jq?): ${stderr.slice(0, 300)}`));
      // `times`: the shell's user/system, then its children's (jq's), e.g. `0m0.080000s 0m0.008000s`.
      const children = stderr.trim().split('\n').at(-1) ?? '';
      const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
        (sum, m) => sum + (Number(m[1]) * 60 + Number(m[2])) * 1000,
        0,
      );
      resolve({ stdout: Buffer.concat(out).toString('utf8'), cpuMs: cpu });
    });
    child.stdin.end(input);
  });
}
