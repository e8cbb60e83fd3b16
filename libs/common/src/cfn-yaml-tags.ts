import type { Tags } from 'yaml';

// CloudFormation's short-form intrinsics (`!Ref`, `!Sub`, …). Read by the product (onboarding
// templates) and by the AWS sandbox (template deployment), which must agree on them.
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

/** The long form CloudFormation gives a short-form tag: `!Sub x` → `{ "Fn::Sub": x }`, `!Ref x` → `{ Ref: x }`. */
function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

/** The `yaml` custom tags that read CloudFormation's short forms (scalar, sequence and mapping). */
export const CFN_TAGS: Tags = SHORT_FORMS.flatMap((name) => [
  { tag: `!${name}`, resolve: (str: string) => longForm(name, str) },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (seq: { toJSON(): unknown }) => longForm(name, seq.toJSON()),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (map: { toJSON(): unknown }) => longForm(name, map.toJSON()),
  },
]);
