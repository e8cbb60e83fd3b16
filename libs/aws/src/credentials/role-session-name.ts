/** A valid RoleSessionName (`[\w+=,.@-]{2,64}`) that shows up in CloudTrail and ties the session to a run. */
export function roleSessionName(target: { connectionId: string; runId?: string }): string {
  const id = (target.runId ? `run-${target.runId}` : `conn-${target.connectionId}`).replace(
    /[^\w+=,.@-]/g,
    '',
  );
  return `tally-${id}`.slice(0, 64);
}
