// CloudFormation YAML: short-form intrinsics (`!Ref`, `!Sub`, …) in both directions. Templates are
// built as plain objects with `Intrinsic` markers and printed with short-form tags; parsing turns
// the tags back into the long form (`{ "Fn::Sub": … }`) every tool understands.
import { Document, isNode, parse, type Node, type Scalar } from 'yaml';
import { CFN_TAGS } from '@tally/common';

/** One intrinsic function call, printed as its short-form tag. */
export class Intrinsic {
  constructor(
    /** The short name: `Ref`, `Sub`, `GetAtt`, `If`, `Equals`, … */
    readonly name: string,
    readonly value: unknown,
  ) {}
}

/** `!Ref name` */
export const ref = (name: string) => new Intrinsic('Ref', name);
/** `!Sub template` or `!Sub [template, variables]` */
export const sub = (template: string, variables?: Record<string, unknown>) =>
  new Intrinsic('Sub', variables ? [template, variables] : template);
/** `!GetAtt resource.attribute` */
export const getAtt = (resource: string, attribute: string) =>
  new Intrinsic('GetAtt', `${resource}.${attribute}`);
/** `!If [condition, then, else]` */
export const fnIf = (condition: string, whenTrue: unknown, whenFalse: unknown) =>
  new Intrinsic('If', [condition, whenTrue, whenFalse]);
/** `!Equals [a, b]` */
export const equals = (a: unknown, b: unknown) => new Intrinsic('Equals', [a, b]);

/** Parses a CloudFormation template (YAML with short forms, or JSON) into its long-form object. */
export function parseTemplate(text: string): Record<string, unknown> {
  const doc = parse(text, { customTags: CFN_TAGS, prettyErrors: true, uniqueKeys: true });
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('a template must be a mapping');
  return doc as Record<string, unknown>;
}

/** Prints a template object (with Intrinsic markers) as YAML with short-form tags. */
export function toYaml(template: Record<string, unknown>, header?: string): string {
  const doc = new Document();
  doc.contents = toNode(doc, template) as never;
  if (header) doc.commentBefore = header;
  return doc.toString({ lineWidth: 0, indentSeq: true, singleQuote: true });
}

function toNode(doc: Document, value: unknown): Node {
  if (value instanceof Intrinsic) {
    const node = toNode(doc, value.value);
    node.tag = `!${value.name}`;
    return node;
  }
  if (Array.isArray(value)) {
    const seq = doc.createNode([]) as Node & { items: unknown[] };
    for (const item of value) seq.items.push(toNode(doc, item));
    return seq;
  }
  if (value && typeof value === 'object' && !isNode(value)) {
    const map = doc.createNode({}) as Node & { set(k: unknown, v: unknown): void };
    for (const [k, v] of Object.entries(value)) if (v !== undefined) map.set(k, toNode(doc, v));
    return map;
  }
  const scalar = doc.createNode(value) as Scalar;
  // Dates stay strings for every YAML reader (YAML 1.1 would read 2012-10-17 as a timestamp).
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) scalar.type = 'QUOTE_SINGLE';
  return scalar;
}
