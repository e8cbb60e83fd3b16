export * from './mapping.types';
export { MappingValidationError, JqError, JqLimitError, type JqLimit } from './mapping.errors';
export { JqPool, sharedJqPool, closeSharedJqPool, type JqPoolOptions, type JqTaskOptions } from './jq.pool';
export {
  compileMapping,
  validateMapping,
  mappingHash,
  MAPPING_KINDS,
  type CompiledMapping,
} from './mapping.compiler';
export { evaluateMapping, type EvaluateOptions } from './mapping.evaluator';
export { previewMapping, defaultPortMapping } from './mapping.preview';
export { jqInput } from './mapping.batch';
export { sampleResources, sampleAccount } from './mapping.samples';
