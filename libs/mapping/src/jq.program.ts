// Turns a kind's mapping entries into ONE jq program applied to an array of inputs: one jq run per
// batch instead of one per expression per resource (each run costs ~1 ms of jq start-up).
import type { EntitySpec } from './mapping.types';

/**
 * Defined before any tenant expression, so these names resolve here: nothing a tenant writes can stop
 * the whole batch (`halt`, `halt_error`), read other inputs, write to the worker's stderr, or read
 * the environment.
 */
const PRELUDE = [
  'def halt: error("halt is not allowed in a mapping");',
  'def halt_error: error("halt_error is not allowed in a mapping");',
  'def halt_error(f): error("halt_error is not allowed in a mapping");',
  'def input: error("input is not allowed in a mapping");',
  'def inputs: error("inputs is not allowed in a mapping");',
  'def debug: .;',
  'def debug(f): .;',
  'def stderr: .;',
  'def env: {};',
  '{} as $ENV |',
  // Each value: the expression's first output (null when it has none, as Port's integrations take
  // it), or the error it raised, so one failing field fails only its own entity.
  'def __tally_v(f): try ["v", first((f), null)] catch ["e", .];',
].join(' ');

/**
 * A tenant expression in parentheses. The blank line keeps a trailing comment (jq 1.7 continues one
 * after a backslash) from swallowing the closing parenthesis.
 */
function wrap(expr: string): string {
  return `(${expr}\n\n)`;
}

/** The program for one kind: per input, per entry, `[selector, field…]` (selector only when not true). */
export function kindProgram(entities: EntitySpec[]): string {
  const perEntity = entities.map((e) => {
    const fields = e.fields.map((f) => `__tally_v(${wrap(f.expr)})`).join(', ');
    return `(__tally_v(${wrap(e.selector)}) as $s | if $s == ["v", true] then [$s, ${fields}] else [$s] end)`;
  });
  return `${PRELUDE}\nmap([${perEntity.join(',\n')}])`;
}

/** A program that compiles `expr` in the same scope as the mapping program but never runs it. */
export function compileCheckProgram(expr: string): string {
  return `${PRELUDE}\nif false then ${wrap(expr)} else empty end`;
}

/** jq's compile errors from its stderr, without the `jq: error:` prefixes and source excerpts. */
export function compileErrorText(stderr: string): string {
  const lines = stderr
    .split('\n')
    .filter((l) => l.startsWith('jq: error'))
    .map((l) =>
      l
        .replace(/^jq: error: /, '')
        .replace(/ at <top-level>, line \d+:$/, '')
        .trim(),
    );
  return lines.length ? lines.join('; ') : stderr.trim() || 'the expression does not compile';
}

/** A jq error value as jq's CLI would print it: strings as they are, anything else as JSON. */
export function runtimeErrorText(value: unknown): string {
  if (typeof value === 'string') return value;
  return `(not a string): ${JSON.stringify(value)}`;
}
