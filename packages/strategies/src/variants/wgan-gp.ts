import { wasserstein } from '@tfgen/losses';
import { gradientPenaltyRegularizer, type GanVariant } from '../gan-variant';

/**
 * WGAN-GP (Gulrajani et al. 2017): Wasserstein loss, gradient penalty with lambda = 10,
 * 5 critic steps per generator step, Adam(1e-4, beta1 0, beta2 0.9). The critic
 * must not use batch norm (the penalty is per example). `penaltyTarget` 0 gives the zero-centred
 * penalty (Thanh-Tung et al. 2019), under which a generator sitting on the data is a fixed point;
 * with the default target 1 it is not (the critic keeps slope 1 there: Mescheder et al. 2018).
 */
export function wganGp(
  options: { penaltyWeight?: number; criticSteps?: number; learningRate?: number; penaltyTarget?: number; oneSided?: boolean } = {},
): GanVariant {
  const lr = options.learningRate ?? 1e-4;
  return {
    name: 'wgan-gp',
    loss: wasserstein,
    regularizers: [gradientPenaltyRegularizer({ weight: options.penaltyWeight ?? 10, target: options.penaltyTarget, oneSided: options.oneSided })],
    discriminatorSteps: options.criticSteps ?? 5,
    optimizers: {
      generator: { kind: 'adam', learningRate: lr, beta1: 0, beta2: 0.9 },
      discriminator: { kind: 'adam', learningRate: lr, beta1: 0, beta2: 0.9 },
    },
  };
}
