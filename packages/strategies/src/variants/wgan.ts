import { wasserstein } from '@tfgen/losses';
import type { GanVariant } from '../gan-variant';

/** The original WGAN (Arjovsky et al. 2017): weight clipping at 0.01, 5 critic steps, RMSProp(5e-5). */
export function wgan(options: { clip?: number } = {}): GanVariant {
  return {
    name: 'wgan',
    loss: wasserstein,
    weightClip: options.clip ?? 0.01,
    discriminatorSteps: 5,
    optimizers: { generator: { kind: 'rmsprop', learningRate: 5e-5 }, discriminator: { kind: 'rmsprop', learningRate: 5e-5 } },
  };
}
