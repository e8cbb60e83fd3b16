export * from './errors';
export * from './http-logger';
export * from './paths';
export * from './cfn-yaml-tags';
export * from './process-lifecycle';
export * from './readiness';
