// The REST API's one contract: zod schemas of every request and response, imported by the api
// (validation, serialization, OpenAPI), the dashboard and the CLI. Zod only: browsers import it.
export * from './schema.helpers';
export * from './problem.contract';
export * from './aws-regions';
export * from './resource-types';
export * from './tenants.contract';
export * from './api-keys.contract';
export * from './connections.contract';
export * from './syncs.contract';
export * from './resources.contract';
export * from './changes.contract';
export * from './destinations.contract';
export * from './mappings.contract';
