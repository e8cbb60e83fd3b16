import assert from 'node:assert/strict';

/** An AWS SDK error as the client throws it: its name (the error code) and the HTTP status. */
export type SdkFailure = Error & { $metadata?: { httpStatusCode?: number } };

/** Awaits an SDK call that must fail, and returns the error the client threw. */
export async function sdkFailure(p: Promise<unknown>): Promise<SdkFailure> {
  try {
    await p;
  } catch (err) {
    return err as SdkFailure;
  }
  assert.fail('expected the call to fail');
}
