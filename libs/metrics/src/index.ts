export * from './metrics';
export { classifyAwsError, instrumentAwsClient, type InstrumentableClient } from './aws-metrics.middleware';
export { MetricsCollectors } from './metrics.collectors';
export { MetricsModule } from './metrics.module';
export { sampleValue } from './exposition';
