// Reads a CloudFormation template body: JSON, or YAML with the short-form intrinsics (`!Ref`,
// `!Sub`, …) turned into their long form, as CloudFormation itself does.
import { parse } from 'yaml';
import { CFN_TAGS } from '@tally/common';
import { AwsError } from '../contract';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Parses a template body (JSON or YAML); ValidationError when it is neither or not a mapping. */
export function parseTemplateBody(body: unknown): JsonObject {
  if (body && typeof body === 'object' && !Array.isArray(body)) return body as JsonObject;
  if (typeof body !== 'string' || !body.trim()) throw invalid('templateBody is required (YAML or JSON text)');
  let doc: unknown;
  try {
    doc = body.trimStart().startsWith('{')
      ? JSON.parse(body)
      : parse(body, { customTags: CFN_TAGS, uniqueKeys: true });
  } catch (err) {
    throw invalid(`Template format error: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw invalid('Template format error: not a mapping');
  return doc as JsonObject;
}

/** A 400 ValidationError, the shape CloudFormation answers bad templates and parameters with. */
export function invalid(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}
