export * from './parameters';
export * from './vae';
export * from './masked-conv2d';
export * from './pixel-cnn';
export * from './wavenet';
