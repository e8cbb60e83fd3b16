// COPY … FROM STDIN with the plain `pg` client (pg-copy-streams is not installed): pg 8 lets a
// "submittable" drive the protocol itself, and its connection exposes sendCopyFromChunk /
// endCopyFrom / sendCopyFail. This is the whole of what pg-copy-streams does for COPY FROM.
import type pg from 'pg';

interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

/** Runs `COPY <table> (<columns>) FROM STDIN` with the chunks (COPY text format); resolves to the row count. */
export function copyFrom(
  client: pg.Client | pg.PoolClient,
  sql: string,
  chunks: Iterable<Buffer | string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let error: Error | undefined;
    let rows = 0;
    const submittable = {
      submit(connection: PgConnection) {
        connection.query(sql);
      },
      handleCopyInResponse(connection: PgConnection) {
        void pump(connection).catch((err: Error) => {
          error = err;
          connection.sendCopyFail(err.message);
        });
      },
      handleCommandComplete(msg: { text: string }) {
        rows = Number(/COPY (\d+)/.exec(msg.text)?.[1] ?? 0);
      },
      handleError(err: Error) {
        error = err;
      },
      handleReadyForQuery() {
        if (error) reject(error);
        else resolve(rows);
      },
    };
    async function pump(connection: PgConnection): Promise<void> {
      for (const chunk of chunks) {
        connection.sendCopyFromChunk(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
        if (connection.stream.writableNeedDrain) await new Promise((r) => connection.stream.once('drain', r));
      }
      connection.endCopyFrom();
    }
    client.query(submittable as unknown as pg.Submittable);
  });
}

/** One field in COPY's text format: `\N` for null, backslash escapes for the 4 special characters. */
export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}
