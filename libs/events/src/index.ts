export * from './extract/event-rules';
export * from './extract/event-extract';
export * from './refresh/resource-refresh.repository';
export * from './refresh/resource-refresh.service';
export * from './consumer/event-consumer';
export * from './consumer/event-lease.repository';
export * from './consumer/live-events.supervisor';
export * from './events.module';
