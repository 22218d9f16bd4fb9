export * from './spectral-norm';
export { stopGradient } from './stop-gradient';
export * from './gradient-penalty';
