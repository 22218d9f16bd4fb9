import { nonSaturating } from '@tfgen/losses';
import { draganRegularizer, type GanVariant } from '../gan-variant';

/** DRAGAN (Kodali et al. 2017): the non-saturating loss plus the gradient penalty around the data (lambda 10). */
export function dragan(options: { penaltyWeight?: number } = {}): GanVariant {
  return {
    name: 'dragan',
    loss: nonSaturating,
    regularizers: [draganRegularizer({ weight: options.penaltyWeight ?? 10 })],
    optimizers: {
      generator: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
      discriminator: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
    },
  };
}
