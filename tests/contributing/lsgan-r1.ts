// Walk-through 2: a new GAN variant is one small file of data.
// In the repository it would live at packages/strategies/src/variants/lsgan-r1.ts.
import { leastSquares } from '@tfgen/losses';
import { r1Regularizer, type GanVariant } from '@tfgen/strategies';

/** Least-squares GAN (Mao et al. 2017) with the R1 penalty on real data (gamma = 10 by default). */
export function lsganR1(options: { gamma?: number } = {}): GanVariant {
  return {
    name: 'lsgan-r1',
    loss: leastSquares,
    regularizers: [r1Regularizer({ gamma: options.gamma ?? 10 })],
    optimizers: {
      generator: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
      discriminator: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
    },
  };
}
