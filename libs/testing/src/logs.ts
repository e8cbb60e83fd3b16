import { Writable } from 'node:stream';

/** A stream that keeps every log line written to it, to assert on what a logger printed. */
export class CapturedLogs extends Writable {
  readonly lines: string[] = [];
  private waiters: { pattern: RegExp; resolve(line: string): void }[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    const lines = chunk.toString('utf8').split('\n').filter(Boolean);
    this.lines.push(...lines);
    for (const w of [...this.waiters]) {
      const line = lines.find((l) => w.pattern.test(l));
      if (line === undefined) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(line);
    }
    done();
  }

  /** The first line, already written or still to come, that matches `pattern`. */
  waitFor(pattern: RegExp): Promise<string> {
    const line = this.lines.find((l) => pattern.test(l));
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }

  get text(): string {
    return this.lines.join('\n');
  }
}
