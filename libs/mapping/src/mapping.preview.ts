import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tally/common';
import { compileMapping } from './mapping.compiler';
import { evaluateMapping, type EvaluateOptions } from './mapping.evaluator';
import type { MappableResource, MappingResult } from './mapping.types';

let defaultYaml: string | undefined;

/** Port's own default mapping for AWS (S3, EC2, ECS, Lambda, RDS, accounts): the `port` default. */
export function defaultPortMapping(): string {
  defaultYaml ??= readFileSync(join(repoRoot(), 'libs/mapping/data/port-aws-default-mapping.yaml'), 'utf8');
  return defaultYaml;
}

/**
 * What a mapping gives for these resources: the entities and per-entity errors. An invalid mapping
 * throws MappingValidationError (a 400 naming each kind, field and jq error).
 */
export async function previewMapping(
  yaml: string,
  resources: readonly MappableResource[],
  options: EvaluateOptions = {},
): Promise<MappingResult> {
  const compiled = await compileMapping(yaml, options.pool);
  return evaluateMapping(compiled, resources, options);
}
