import { leastSquares } from '@tfgen/losses';
import type { GanVariant } from '../gan-variant';

/** Least-squares GAN (Mao et al. 2017), targets 0/1, Adam(2e-4, 0.5). */
export function lsgan(): GanVariant {
  return {
    name: 'lsgan',
    loss: leastSquares,
    optimizers: {
      generator: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
      discriminator: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
    },
  };
}
