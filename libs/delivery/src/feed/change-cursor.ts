import { TallyError, ValidationError } from '@tally/common';

const PREFIX = 'c1_';

/** The opaque cursor of a feed position (a tenant's change seq). */
export function encodeChangeCursor(seq: bigint): string {
  return PREFIX + Buffer.from(seq.toString(), 'utf8').toString('base64url');
}

/** The seq a cursor stands for; a cursor this API did not make is a 400 on `field`. */
export function decodeChangeCursor(cursor: string, field = 'after'): bigint {
  if (cursor.startsWith(PREFIX)) {
    const digits = Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8');
    if (/^\d{1,19}$/.test(digits)) return BigInt(digits);
  }
  throw new ValidationError([{ field, message: 'is not a change cursor this API returned' }]);
}

/**
 * A cursor older than the feed's retention: the changes right after it were removed. The API answers
 * 410 Gone; `oldestCursor` is where a reader can resume (after a full re-read of the inventory).
 */
export class CursorExpiredError extends TallyError {
  constructor(
    readonly oldestCursor: string,
    retentionDays: number,
  ) {
    super(
      'cursor_expired',
      `The cursor is older than the change feed's retention (${retentionDays} days). ` +
        `The oldest cursor still readable is ${oldestCursor}; re-read the inventory, then continue from there.`,
      { remediation: `Resume with after=${oldestCursor} after re-reading /resources.` },
    );
    this.name = 'CursorExpiredError';
  }
}
