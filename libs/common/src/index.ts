export * from './errors';
export * from './logger';
export * from './http-logger';
export * from './paths';
export * from './cfn-yaml-tags';
export * from './readiness';
