export * from './resource-type';
export * from './registry';
