/**
 * At most `size` holders at once; the rest wait in arrival order. `admit()` is backpressure for
 * producers: it holds a caller while `backlog` or more are already waiting, so pages are not collected
 * faster than they can be written (each waiting page is memory).
 */
export class WriteGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly admitting: (() => void)[] = [];

  constructor(
    readonly size: number,
    readonly backlog = Infinity,
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`gate size must be a positive integer: ${size}`);
  }

  /** Runs `fn` once a slot is free, and frees it when `fn` settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active < this.size) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter (active stays the same) or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
      // As the queue drains, producers held back go one at a time (not all at once); once nothing
      // is being written, nothing would ever release them: they all go.
      if (this.active === 0) this.admitting.splice(0).forEach((go) => go());
      else if (this.waiting.length < this.backlog) this.admitting.shift()?.();
    }
  }

  /**
   * Resolves at once while the queue is short (and nobody is held before the caller, or nothing is
   * being written); otherwise when it has drained below `backlog`, in turn.
   */
  admit(): Promise<void> {
    const short = this.waiting.length < this.backlog;
    if (short && (!this.admitting.length || this.active === 0)) return Promise.resolve();
    return new Promise((resolve) => this.admitting.push(resolve));
  }

  /** Holders right now, callers waiting, and producers held back (for tests and diagnostics). */
  get load(): { active: number; waiting: number; held: number } {
    return { active: this.active, waiting: this.waiting.length, held: this.admitting.length };
  }
}
