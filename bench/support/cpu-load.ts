// A second process keeping one core busy, so a benchmark can show what a shared machine does to it.
// Bounded: the child stops on its own after `maxSeconds` even if nobody kills it.
import { spawn } from 'node:child_process';
import { procCpuSeconds } from './stack';

export interface CpuLoadUsage {
  cpuSeconds: number;
  wallSeconds: number;
  /** CPU seconds / wall seconds: 1 = one core kept busy throughout. */
  coreShare: number;
}

export interface CpuLoad {
  pid: number;
  /** Stops the load (idempotent); answers what it used. */
  stop(): Promise<CpuLoadUsage>;
}

/** Starts a child process that spins (in slices, checking the clock) for at most `maxSeconds`. */
export function startCpuLoad(maxSeconds: number): CpuLoad {
  const program = `const end = Date.now() + ${Math.round(maxSeconds * 1000)}; let x = 0;
while (Date.now() < end) { for (let i = 0; i < 1e5; i++) x = (x * 31 + i) | 0; }`;
  const child = spawn(process.execPath, ['-e', program], { stdio: 'ignore' });
  const pid = child.pid!;
  const started = performance.now();
  let last = 0;
  // /proc/<pid> goes once the child is reaped: keep the latest reading.
  const sample = () => {
    const s = procCpuSeconds(pid);
    if (Number.isFinite(s)) last = s;
    return last;
  };
  const poll = setInterval(sample, 500);
  let stopped: CpuLoadUsage | undefined;
  return {
    pid,
    async stop() {
      if (stopped) return stopped;
      clearInterval(poll);
      sample();
      const wallSeconds = (performance.now() - started) / 1000;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGKILL');
        await exited;
      }
      stopped = { cpuSeconds: last, wallSeconds, coreShare: wallSeconds ? last / wallSeconds : 0 };
      return stopped;
    },
  };
}
