export * from './spectral-norm';
export { stopGradient } from './stop-gradient';
export * from './gradient-penalty';
export * from './schedules';
export * from './optimizers';
export * from './minibatch-discrimination';
export * from './minibatch-stddev';
