import { nonSaturating } from '@tfgen/losses';
import { r1Regularizer, type GanVariant } from '../gan-variant';

/** Non-saturating GAN with the R1 penalty (Mescheder et al. 2018; StyleGAN's default), gamma = 10. */
export function r1Gan(options: { gamma?: number } = {}): GanVariant {
  return {
    name: 'r1',
    loss: nonSaturating,
    regularizers: [r1Regularizer({ gamma: options.gamma ?? 10 })],
    optimizers: {
      generator: { kind: 'adam', learningRate: 2e-4, beta1: 0, beta2: 0.99 },
      discriminator: { kind: 'adam', learningRate: 2e-4, beta1: 0, beta2: 0.99 },
    },
  };
}
