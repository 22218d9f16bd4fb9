export * from './parameters';
export * from './vae';
