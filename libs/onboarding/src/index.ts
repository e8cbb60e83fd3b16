export { CLOUD_CONTROL_ACTIONS, ORGANIZATION_ACTIONS, grantedActions } from './onboarding.permissions';
export { DEFAULT_ROLE_NAME, PATTERNS, type StackParameterValues } from './onboarding.parameters';
export { TEMPLATE_FILES, renderTemplate, type OnboardingMode } from './onboarding.templates';
export * from './onboarding.links';
export { parseTemplate, toYaml, Intrinsic, ref, sub, getAtt, fnIf, equals } from './cfn-yaml';
