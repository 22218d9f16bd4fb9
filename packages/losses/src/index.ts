export * from './gan-losses';
