import { nonSaturating } from '@tfgen/losses';
import type { GanVariant } from '../gan-variant';

/** The original GAN with the non-saturating generator loss (Goodfellow et al. 2014), Adam(2e-4, 0.5) — DCGAN's settings. */
export function vanillaGan(): GanVariant {
  return {
    name: 'vanilla',
    loss: nonSaturating,
    optimizers: {
      generator: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
      discriminator: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
    },
  };
}
