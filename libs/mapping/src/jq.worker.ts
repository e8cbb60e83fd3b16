// A jq worker thread: jq 1.7 compiled to WebAssembly (jq-web), one task at a time. It runs off the
// main event loop so a tenant's expression can only stall or exhaust this thread, which the pool
// terminates and replaces.
import { parentPort, workerData } from 'node:worker_threads';
import type { JqWeb } from 'jq-web';
import { jqInput, readBatchOutput } from './mapping.batch';
import type { JqFailure, JqReply, JqTask, JqWorkerData } from './jq.worker.types';
import type { MappingResult } from './mapping.types';

const WASM_PAGE = 65536;

/** The part of WebAssembly.Memory used here (Node's types for it come with the DOM lib only). */
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(delta: number): number;
}
/** Set when the cap refused a growth during the current task. */
let capHit = false;

/**
 * resourceLimits bound the JS heap only; jq's own heap is WebAssembly memory. Refusing to grow it past
 * the cap makes jq's allocation fail, and jq aborts ("cannot allocate memory") instead of eating RAM.
 */
function capWasmMemory(maxBytes: number): void {
  const memory = (globalThis as unknown as { WebAssembly: { Memory: { prototype: WasmMemory } } }).WebAssembly
    .Memory;
  const grow = memory.prototype.grow;
  memory.prototype.grow = function (this: WasmMemory, delta: number): number {
    if (this.buffer.byteLength + delta * WASM_PAGE > maxBytes) {
      capHit = true;
      throw new RangeError('jq memory limit reached');
    }
    return grow.call(this, delta);
  };
}

function failureOf(err: unknown): JqFailure {
  const e = err as { message?: string; exitCode?: number; stderr?: string; name?: string };
  if (typeof e?.exitCode === 'number') {
    return {
      message: (e.stderr ?? e.message ?? '').trim(),
      exitCode: e.exitCode,
      stderr: e.stderr,
      fatal: false,
    };
  }
  // A RuntimeError from the module (abort, out of bounds): its state cannot be trusted any more.
  return { message: String(e?.message ?? err), fatal: e?.name === 'RuntimeError', memory: capHit };
}

function handle(jq: JqWeb, task: JqTask): { ok: true; stdout: string } | { ok: true; result: MappingResult } {
  // jq-web gives undefined, not '', when jq printed nothing.
  if (task.op === 'run') return { ok: true, stdout: jq.raw(task.input, task.program, task.flags) ?? '' };
  const input = JSON.stringify(task.resources.map(jqInput));
  const output = JSON.parse(jq.raw(input, task.program, ['-c']));
  return { ok: true, result: readBatchOutput(task.kind, task.entities, task.resources, output) };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('jq.worker must run in a worker thread');
  const data = workerData as JqWorkerData;
  capWasmMemory(data.wasmMemoryMb * 1024 * 1024);
  // jq-web reports jq's stderr through console.warn and its aborts through console.error; both reach
  // the pool as task failures, so they stay out of the service's logs.
  console.warn = () => undefined;
  console.error = () => undefined;
  const jq: JqWeb = await require('jq-web');
  port.on('message', (msg: { id: number; task: JqTask }) => {
    let reply: JqReply;
    capHit = false;
    try {
      reply = { id: msg.id, ...handle(jq, msg.task) } as JqReply;
    } catch (err) {
      reply = { id: msg.id, ok: false, failure: failureOf(err) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true });
}

void main();
