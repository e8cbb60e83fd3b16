export * from './database';
export * from './environment';
export * from './factories';
export * from './logs';
export * from './trust-policy';
export * from './redis';
