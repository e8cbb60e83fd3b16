// jq-web ships no types: jq 1.7 compiled to WebAssembly; `raw` is one whole `jq <flags> <filter>` run.
declare module 'jq-web' {
  namespace jq {
    interface JqWeb {
      /** stdout of the run; throws with `exitCode` and `stderr` when jq exits non-zero. */
      raw(input: string, filter: string, flags?: string[]): string;
      json(input: unknown, filter: string): unknown;
    }
  }
  const jq: Promise<jq.JqWeb>;
  export = jq;
}
