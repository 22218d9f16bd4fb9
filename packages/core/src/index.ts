export * from './errors';
export * from './random';
export * from './types';
export * from './leak-guard';
export * from './conv-lowering';
export * from './wasm-kernels';
