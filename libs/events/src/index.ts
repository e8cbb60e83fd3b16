export * from './extract/event-rules';
export * from './extract/event-extract';
