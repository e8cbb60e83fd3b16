import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@tally/config';

/** The channel the resource_changes trigger notifies (prisma/schema-extras.sql), payload = tenant id. */
export const CHANGES_CHANNEL = 'tally_changes';

const RECONNECT_MS = 1000;

/**
 * One LISTEN connection per process: wakes long-polling readers and the delivery waker when a
 * tenant's changes commit. A missed notification only delays (readers re-read at their deadline,
 * the delivery sweep catches up); it never loses a change.
 */
@Injectable()
export class ChangeNotifier implements OnModuleDestroy {
  private readonly logger = new Logger('change-notifier');
  private readonly events = new EventEmitter().setMaxListeners(0);
  private client?: pg.Client;
  private starting?: Promise<void>;
  private closed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Calls `fn(tenantId)` on every notification; returns the unsubscribe function. */
  async onAny(fn: (tenantId: string) => void): Promise<() => void> {
    await this.start();
    this.events.on('*', fn);
    return () => this.events.off('*', fn);
  }

  /** Resolves true when the tenant's changes commit, false after `ms` or if `signal` aborts. */
  async waitFor(tenantId: string, ms: number, signal?: AbortSignal): Promise<boolean> {
    await this.start();
    return new Promise((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        this.events.off(tenantId, wake);
        signal?.removeEventListener('abort', abort);
        resolve(woken);
      };
      const wake = () => done(true);
      const abort = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      this.events.on(tenantId, wake);
      signal?.addEventListener('abort', abort);
    });
  }

  /** Connects and LISTENs once (idempotent). */
  start(): Promise<void> {
    this.starting ??= this.connect().catch((err) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.DATABASE_URL });
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      this.events.emit(msg.payload, msg.payload);
      this.events.emit('*', msg.payload);
    });
    client.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'change notification connection lost; reconnecting');
      this.reconnect(client);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    this.client = client;
  }

  private reconnect(old: pg.Client): void {
    if (this.client !== old || this.closed) return;
    this.client = undefined;
    this.starting = undefined;
    void old.end().catch(() => undefined);
    this.retry();
  }

  private retry(): void {
    setTimeout(() => {
      if (!this.closed) void this.start().catch(() => this.retry());
    }, RECONNECT_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.events.removeAllListeners();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
