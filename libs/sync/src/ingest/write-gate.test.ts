import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteGate } from './write-gate';

const tick = () => new Promise((r) => setImmediate(r));

describe('WriteGate', () => {
  it('runs at most `size` at once, the rest in arrival order, and frees slots on failure too', async () => {
    const gate = new WriteGate(2);
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const runs = [0, 1, 2, 3].map((i) =>
      gate.run(async () => {
        started.push(i);
        await new Promise<void>((r) => finish.push(r));
        if (i === 0) throw new Error('boom');
        return i;
      }),
    );
    await tick();
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(gate.load, { active: 2, waiting: 2, held: 0 });
    finish[0]();
    await assert.rejects(runs[0], /boom/);
    await tick();
    assert.deepEqual(started, [0, 1, 2]);
    finish[1]();
    finish[2]();
    await tick();
    finish[3]();
    assert.deepEqual(await Promise.all(runs.slice(1)), [1, 2, 3]);
    assert.deepEqual(gate.load, { active: 0, waiting: 0, held: 0 });
  });

  it('holds producers back while the queue is long, and lets them go one per freed slot', async () => {
    const gate = new WriteGate(1, 2);
    const finish: (() => void)[] = [];
    const hold = () => gate.run(() => new Promise<void>((r) => finish.push(r)));
    await gate.admit(); // empty queue: at once
    const runs = [hold(), hold(), hold()]; // one running, two waiting = the backlog
    const admitted: number[] = [];
    const producers = [0, 1, 2].map((i) => gate.admit().then(() => admitted.push(i)));
    await tick();
    assert.deepEqual(admitted, []);
    assert.deepEqual(gate.load, { active: 1, waiting: 2, held: 3 });
    finish[0](); // one written: the queue is below the backlog again, one producer goes
    await tick();
    assert.deepEqual(admitted, [0]);
    finish[1]();
    await tick();
    finish[2]();
    await Promise.all([...runs, ...producers]);
    assert.deepEqual(admitted, [0, 1, 2]);
    assert.deepEqual(gate.load, { active: 0, waiting: 0, held: 0 });
  });

  it('never strands a held producer: when the last write ends, every held producer goes', async () => {
    const gate = new WriteGate(1, 1);
    let finish!: () => void;
    const write = gate.run(() => new Promise<void>((r) => (finish = r)));
    const queued = gate.run(async () => undefined); // waiting = the backlog
    const admitted: number[] = [];
    const producers = [0, 1, 2].map((i) => gate.admit().then(() => admitted.push(i)));
    await tick();
    assert.deepEqual(gate.load, { active: 1, waiting: 1, held: 3 });
    // The held producers will not write (their tasks are done): only the gate can let them go.
    finish();
    await Promise.all([write, queued, ...producers]);
    assert.deepEqual(admitted, [0, 1, 2]);
    assert.deepEqual(gate.load, { active: 0, waiting: 0, held: 0 });
  });

  it('refuses a size that is not a positive integer', () => {
    assert.throws(() => new WriteGate(0), RangeError);
    assert.throws(() => new WriteGate(1.5), RangeError);
  });
});
