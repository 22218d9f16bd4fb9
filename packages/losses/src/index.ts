export * from './gan-losses';
export * from './likelihoods';
export * from './kl';
export * from './bounds';
export * from './bits-per-dim';
