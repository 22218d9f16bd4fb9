export * from './sample-matrix';
export * from './mode-coverage';
export * from './frechet-distance';
export * from './weights-codec';
