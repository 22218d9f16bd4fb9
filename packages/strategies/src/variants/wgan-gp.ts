import { wasserstein } from '@tfgen/losses';
import { gradientPenaltyRegularizer, type GanVariant } from '../gan-variant';

/**
 * WGAN-GP (Gulrajani et al. 2017): Wasserstein loss, gradient penalty with lambda = 10,
 * 5 critic steps per generator step, Adam(1e-4, beta1 0, beta2 0.9). The critic
 * must not use batch norm (the penalty is per example).
 */
export function wganGp(options: { penaltyWeight?: number; criticSteps?: number; learningRate?: number } = {}): GanVariant {
  const lr = options.learningRate ?? 1e-4;
  return {
    name: 'wgan-gp',
    loss: wasserstein,
    regularizers: [gradientPenaltyRegularizer({ weight: options.penaltyWeight ?? 10 })],
    discriminatorSteps: options.criticSteps ?? 5,
    optimizers: {
      generator: { kind: 'adam', learningRate: lr, beta1: 0, beta2: 0.9 },
      discriminator: { kind: 'adam', learningRate: lr, beta1: 0, beta2: 0.9 },
    },
  };
}
