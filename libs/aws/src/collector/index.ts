export * from './cloud-control.collector';
export { sendCounted, attemptsSpent, DEFAULT_RETRY, type RetryPolicy, type Counted } from './call-retry';
export { mapConcurrent } from './map-concurrent';
