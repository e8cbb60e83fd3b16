// Reads a CloudFormation template body: JSON, or YAML with the short-form intrinsics (`!Ref`,
// `!Sub`, …) turned into their long form, as CloudFormation itself does.
import { parse, type Tags } from 'yaml';
import { AwsError } from '../contract';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const SHORT_FORMS = [
  'Ref',
  'Condition',
  'Sub',
  'GetAtt',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
  'Base64',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Cidr',
];

function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

const TAGS: Tags = SHORT_FORMS.flatMap((name) => [
  { tag: `!${name}`, resolve: (s: string) => longForm(name, s) },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (n: { toJSON(): unknown }) => longForm(name, n.toJSON()),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (n: { toJSON(): unknown }) => longForm(name, n.toJSON()),
  },
]);

/** Parses a template body (JSON or YAML); ValidationError when it is neither or not a mapping. */
export function parseTemplateBody(body: unknown): JsonObject {
  if (body && typeof body === 'object' && !Array.isArray(body)) return body as JsonObject;
  if (typeof body !== 'string' || !body.trim()) throw invalid('templateBody is required (YAML or JSON text)');
  let doc: unknown;
  try {
    doc = body.trimStart().startsWith('{')
      ? JSON.parse(body)
      : parse(body, { customTags: TAGS, uniqueKeys: true });
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
