export * from './sample-matrix';
export * from './mode-coverage';
