export * from './onboarding.permissions';
export * from './onboarding.parameters';
export * from './onboarding.templates';
export * from './onboarding.links';
export { parseTemplate, toYaml, Intrinsic, ref, sub, getAtt, fnIf, equals } from './cfn-yaml';
