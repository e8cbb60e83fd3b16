// A small, reused pool of jq worker threads with a time and a memory limit per task. A task over its
// limit gets a JqLimitError; its worker is terminated and replaced, so the pool keeps answering.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JqError, JqLimitError, type JqLimit } from './mapping.errors';
import type { MappingResult } from './mapping.types';
import type { JqFailure, JqReply, JqTask, JqWorkerData, MapTask } from './jq.worker.types';

export interface JqPoolOptions {
  /** Worker threads (default: 1, or 2 on machines with 4+ cores). */
  size?: number;
  /** Per task, in ms (default 10,000). */
  timeoutMs?: number;
  /** JS heap of each worker, MB (resourceLimits.maxOldGenerationSizeMb; default 256). */
  heapMb?: number;
  /** WebAssembly memory jq may grow to in each worker, MB (default 512). */
  wasmMemoryMb?: number;
}

export interface JqTaskOptions {
  /** Says what ran in limit errors, e.g. `AWS::S3::Bucket batch 3 (resources 2000–2999)`. */
  label?: string;
  timeoutMs?: number;
}

interface Job {
  id: number;
  task: JqTask;
  label: string;
  timeoutMs: number;
  resolve(reply: JqReply): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  /** Why the current worker is going away (set before terminating it). */
  ending: Error | null;
}

const WORKER_FILE = join(__dirname, 'jq.worker.js');
/** Consecutive workers that died before becoming ready: past this, queued tasks fail at once. */
const MAX_FAILED_STARTS = 3;

export class JqPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly opts: Required<JqPoolOptions>;
  private nextId = 1;
  private failedStarts = 0;
  private closed = false;
  /** Workers replaced after a limit or a crash (tests and metrics read it). */
  restarts = 0;

  constructor(options: JqPoolOptions = {}) {
    this.opts = {
      size: options.size ?? (availableParallelism() >= 4 ? 2 : 1),
      timeoutMs: options.timeoutMs ?? 10_000,
      heapMb: options.heapMb ?? 256,
      wasmMemoryMb: options.wasmMemoryMb ?? 512,
    };
    for (let i = 0; i < this.opts.size; i++) {
      const slot = { ready: false, job: null, timer: null, ending: null } as unknown as Slot;
      this.slots.push(slot);
      this.start(slot);
    }
  }

  /** One whole jq run (`jq <flags> <program>` over the JSON text `input`): its stdout. */
  async run(
    program: string,
    input: string,
    flags: string[] = ['-c'],
    options: JqTaskOptions = {},
  ): Promise<string> {
    const reply = await this.submit({ op: 'run', program, input, flags }, options);
    return (reply as { stdout: string }).stdout;
  }

  /** A kind program over a batch of resources: the entities and per-entity errors. */
  async map(task: Omit<MapTask, 'op'>, options: JqTaskOptions = {}): Promise<MappingResult> {
    const reply = await this.submit({ op: 'map', ...task }, options);
    return (reply as { result: MappingResult }).result;
  }

  /** Stops every worker; pending tasks fail. */
  async close(): Promise<void> {
    this.closed = true;
    const err = new JqLimitError('crash', 'the jq pool was closed');
    for (const job of this.queue.splice(0)) job.reject(err);
    await Promise.all(
      this.slots.map((slot) => {
        this.finish(slot, err);
        slot.ending = err;
        return slot.worker.terminate();
      }),
    );
  }

  private submit(task: JqTask, options: JqTaskOptions): Promise<JqReply> {
    if (this.closed) return Promise.reject(new JqLimitError('crash', 'the jq pool is closed'));
    return new Promise<JqReply>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        task,
        label: options.label ?? 'jq program',
        timeoutMs: options.timeoutMs ?? this.opts.timeoutMs,
        resolve,
        reject,
      });
      this.pump();
    });
  }

  /** Puts a new worker in `slot`; events of the worker it replaces are ignored from now on. */
  private start(slot: Slot): void {
    const data: JqWorkerData = { wasmMemoryMb: this.opts.wasmMemoryMb };
    const worker = new Worker(WORKER_FILE, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb, maxYoungGenerationSizeMb: 32 },
    });
    Object.assign(slot, { worker, ready: false, job: null, timer: null, ending: null });
    worker.on('message', (msg: JqReply | { ready: true }) => {
      if (slot.worker !== worker) return;
      if ('ready' in msg) {
        slot.ready = true;
        this.failedStarts = 0;
        return this.pump();
      }
      if (slot.job?.id === msg.id) this.settle(slot, msg);
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (slot.worker !== worker || slot.ending) return;
      slot.ending =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? this.limitError('memory', slot.job, `its JavaScript heap limit (${this.opts.heapMb} MB)`)
          : new JqLimitError('crash', `the jq worker failed: ${err.message}`);
    });
    worker.on('exit', () => {
      if (slot.worker !== worker || this.closed) return;
      if (!slot.ready) this.failedStarts++;
      this.finish(slot, slot.ending ?? new JqLimitError('crash', 'the jq worker exited'));
      // A worker that cannot even start would be respawned in a tight loop: stop and fail tasks.
      if (this.failedStarts < MAX_FAILED_STARTS) this.replace(slot);
      else this.pump();
    });
    this.updateRefs();
  }

  private settle(slot: Slot, reply: JqReply): void {
    const job = slot.job;
    if (!job) return;
    this.clear(slot);
    if (reply.ok) job.resolve(reply);
    else job.reject(this.failureError(job, reply.failure));
    if (!reply.ok && reply.failure.fatal) return this.recycle(slot, null);
    this.pump();
  }

  private failureError(job: Job, f: JqFailure): Error {
    if (f.memory)
      return this.limitError('memory', job, `its memory limit (${this.opts.wasmMemoryMb} MB for jq)`);
    if (f.fatal) return new JqLimitError('crash', `${job.label}: jq aborted (${f.message})`);
    return new JqError(f.message, f.exitCode, f.stderr ?? '');
  }

  private limitError(limit: JqLimit, job: Job | null, what: string): JqLimitError {
    return new JqLimitError(limit, `${job?.label ?? 'jq program'} exceeded ${what}; it was stopped`);
  }

  private pump(): void {
    if (this.failedStarts >= MAX_FAILED_STARTS) {
      const err = new JqLimitError('crash', 'the jq worker cannot start (jq-web failed to load)');
      for (const job of this.queue.splice(0)) job.reject(err);
    }
    for (const slot of this.slots) {
      if (!this.queue.length) break;
      if (!slot.ready || slot.job || slot.ending) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(
        () => this.recycle(slot, this.limitError('timeout', job, `the ${job.timeoutMs} ms time limit`)),
        job.timeoutMs,
      );
      slot.worker.postMessage({ id: job.id, task: job.task });
    }
    this.updateRefs();
  }

  /** Terminates the slot's worker (failing its task with `err`) and puts a fresh one in its place. */
  private recycle(slot: Slot, err: Error | null): void {
    const old = slot.worker;
    if (err) this.finish(slot, err);
    this.clear(slot);
    this.replace(slot);
    void old.terminate();
  }

  private replace(slot: Slot): void {
    if (this.closed) return;
    this.restarts++;
    this.start(slot);
    this.pump();
  }

  private finish(slot: Slot, err: Error): void {
    const job = slot.job;
    this.clear(slot);
    job?.reject(err);
  }

  private clear(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
  }

  /** Idle workers must not keep the process alive; busy ones (or ones a queued task waits for) must. */
  private updateRefs(): void {
    const busy = this.queue.length > 0 || this.slots.some((s) => s.job);
    for (const slot of this.slots) {
      if (busy) slot.worker.ref();
      else slot.worker.unref();
    }
  }
}

let shared: JqPool | null = null;

/** The process's jq pool (created on first use). */
export function sharedJqPool(): JqPool {
  shared ??= new JqPool();
  return shared;
}

/** Stops the process's jq pool (shutdown hooks, tests). */
export async function closeSharedJqPool(): Promise<void> {
  const pool = shared;
  shared = null;
  await pool?.close();
}
