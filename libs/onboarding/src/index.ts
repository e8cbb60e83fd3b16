export {
  CLOUD_CONTROL_ACTIONS,
  ORGANIZATION_ACTIONS,
  LIVE_EVENTS_QUEUE_ACTIONS,
  LIVE_EVENTS_DLQ_ACTIONS,
  LIVE_EVENTS_READ_ACTIONS,
  grantedActions,
} from './onboarding.permissions';
export { DEFAULT_ROLE_NAME, PATTERNS, type StackParameterValues } from './onboarding.parameters';
export {
  FORWARDER_TEMPLATE_FILE,
  TEMPLATE_FILES,
  renderForwarderTemplate,
  renderTemplate,
  type OnboardingMode,
} from './onboarding.templates';
export * from './onboarding.links';
export { parseTemplate, toYaml, Intrinsic, ref, sub, getAtt, fnIf, equals } from './cfn-yaml';
export * from './onboarding.live-events';
