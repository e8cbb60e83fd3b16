export * from './extract/event-rules';
export * from './extract/event-extract';
export * from './refresh/resource-refresh.repository';
export * from './refresh/resource-refresh.service';
