export * from './metrics';
export { MetricsCollectors } from './metrics.collectors';
export { MetricsModule } from './metrics.module';
export { sampleValue } from './exposition';
