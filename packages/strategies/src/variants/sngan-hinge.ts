import { hinge } from '@tfgen/losses';
import type { GanVariant } from '../gan-variant';

/**
 * SNGAN with the hinge loss (Miyato et al. 2018): wrap the discriminator's layers in
 * `spectralNorm(...)`; Adam(2e-4, beta1 0, beta2 0.9), one D step per G step
 * (the paper's best CIFAR setting uses n_dis = 5 with lr 2e-4: pass `discriminatorSteps`).
 */
export function snganHinge(options: { discriminatorSteps?: number; learningRate?: number } = {}): GanVariant {
  const lr = options.learningRate ?? 2e-4;
  return {
    name: 'sngan-hinge',
    loss: hinge,
    discriminatorSteps: options.discriminatorSteps ?? 1,
    optimizers: {
      generator: { kind: 'adam', learningRate: lr, beta1: 0, beta2: 0.9 },
      discriminator: { kind: 'adam', learningRate: lr, beta1: 0, beta2: 0.9 },
    },
  };
}
