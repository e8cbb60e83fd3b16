export * from './cloud-control.collector';
