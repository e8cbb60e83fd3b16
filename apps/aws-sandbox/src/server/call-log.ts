// A bounded log of the AWS calls the sandbox served (what tests and benchmarks assert on), plus
// unbounded counters per service/operation/outcome since the last reset.

export interface CallRecord {
  /** Monotonic sequence number; `GET /_sandbox/calls?since=<seq>` returns later records. */
  seq: number;
  time: string;
  service: string;
  operation: string;
  accountId: string | null;
  region: string | null;
  principal: string | null;
  outcome: 'ok' | 'error';
  errorCode: string | null;
  status: number;
  durationMs: number;
}

export type CallInput = Omit<CallRecord, 'seq' | 'time'>;

/** Ring buffer of call records. */
export class CallLog {
  private readonly buffer: (CallRecord | undefined)[];
  private next = 0;
  private seq = 0;
  private counts = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {
    this.buffer = new Array(capacity);
  }

  record(input: CallInput): void {
    const rec: CallRecord = { seq: ++this.seq, time: new Date().toISOString(), ...input };
    this.buffer[this.next] = rec;
    this.next = (this.next + 1) % this.capacity;
    const key = `${input.service}\u0000${input.operation}\u0000${input.errorCode ?? 'ok'}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Records after `since` (a sequence number), oldest first, optionally filtered. */
  list(
    filter: { since?: number; service?: string; operation?: string; accountId?: string } = {},
  ): CallRecord[] {
    const out: CallRecord[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const rec = this.buffer[(this.next + i) % this.capacity];
      if (!rec || (filter.since !== undefined && rec.seq <= filter.since)) continue;
      if (filter.service && rec.service !== filter.service) continue;
      if (filter.operation && rec.operation !== filter.operation) continue;
      if (filter.accountId && rec.accountId !== filter.accountId) continue;
      out.push(rec);
    }
    return out;
  }

  /** Totals since the last clear: `{ total, byOperation: [{ service, operation, outcome, count }] }`. */
  summary(): {
    total: number;
    lastSeq: number;
    byOperation: { service: string; operation: string; outcome: string; count: number }[];
  } {
    let total = 0;
    const byOperation = [...this.counts].map(([key, count]) => {
      total += count;
      const [service, operation, outcome] = key.split('\u0000');
      return { service, operation, outcome, count };
    });
    return { total, lastSeq: this.seq, byOperation };
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Empties the buffer and counters (sequence numbers keep increasing). */
  clear(): void {
    this.buffer.fill(undefined);
    this.next = 0;
    this.counts = new Map();
  }
}
