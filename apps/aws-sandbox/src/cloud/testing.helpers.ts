// Test helpers for the cloud part: a fake CallContext and a scenario loader.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tally/common';
import { AwsError, type CallContext, type JsonService } from '../contract';

/** A CallContext whose `authorize` records actions and denies those listed. */
export function fakeContext(
  accountId: string,
  region: string,
  deny: string[] = [],
): CallContext & { authorized: string[] } {
  const authorized: string[] = [];
  return {
    accountId,
    region,
    roleArn: `arn:aws:iam::${accountId}:role/TallyReader`,
    principalArn: `arn:aws:sts::${accountId}:assumed-role/TallyReader/tally`,
    authorized,
    identityDecision: (action) => (deny.includes(action) ? 'none' : 'allow'),
    authorize(action: string) {
      authorized.push(action);
      if (deny.includes(action))
        throw new AwsError('AccessDeniedException', `not authorized to perform: ${action}`, 400);
    },
  };
}

/** Reads a shipped scenario file. */
export function shippedScenario(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(repoRoot(), 'apps/aws-sandbox/scenarios', `${name}.json`), 'utf8'),
  ) as Record<string, unknown>;
}

/** Awaits a call that must fail with an AwsError, and returns it. */
export async function awsError(p: Promise<unknown>): Promise<AwsError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  throw new Error('expected an AwsError');
}

export interface ListedResource {
  Identifier: string;
  Properties: string;
}

/** Pages through ListResources; returns every description and the page sizes seen. */
export async function listAll(service: JsonService, ctx: CallContext, typeName: string, maxResults?: number) {
  const items: ListedResource[] = [];
  const pages: { size: number; hasToken: boolean }[] = [];
  let token: string | undefined;
  do {
    const out = (await service.handle(
      'ListResources',
      { TypeName: typeName, NextToken: token, MaxResults: maxResults },
      ctx,
    )) as {
      ResourceDescriptions: ListedResource[];
      NextToken?: string;
    };
    items.push(...out.ResourceDescriptions);
    token = out.NextToken;
    pages.push({ size: out.ResourceDescriptions.length, hasToken: token !== undefined });
  } while (token);
  return { items, pages };
}
