export * from './errors';
export * from './random';
export * from './types';
export * from './leak-guard';
