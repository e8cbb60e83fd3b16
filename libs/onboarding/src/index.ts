export * from './onboarding.permissions';
export * from './onboarding.parameters';
export * from './onboarding.templates';
export * from './onboarding.links';
export { parseTemplate, toYaml, Intrinsic } from './cfn-yaml';
export * from './onboarding.live-events';
