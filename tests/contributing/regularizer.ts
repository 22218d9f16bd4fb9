// Walk-through 1: plug a tfgen regularizer into your own tfjs model.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, withSeededRandom } from '@tfgen/core';
import { nonSaturating } from '@tfgen/losses';
import { r1Penalty, spectralNorm } from '@tfgen/strategies';

/** Your discriminator, plain tfjs-layers; `spectralNorm` wraps any Dense/Conv layer in place. */
export function buildDiscriminator(seed: number): tfl.Sequential {
  return withSeededRandom(new Rng(seed), () =>
    tfl.sequential({
      layers: [
        spectralNorm(tfl.layers.dense({ inputShape: [2], units: 32, activation: 'tanh' })),
        tfl.layers.dense({ units: 1 }),
      ],
    }),
  );
}

/**
 * Your training step with the R1 penalty (Mescheder et al. 2018) added to the loss:
 * `loss + gamma / 2 * mean ||grad D(real)||^2`. Returns the total loss.
 */
export function discriminatorStep(
  discriminator: tfl.Sequential,
  optimizer: tf.Optimizer,
  real: tf.Tensor,
  fake: tf.Tensor,
  gamma: number,
): number {
  // The penalty differentiates the critic w.r.t. its input, so pass it as a function.
  const critic = (x: tf.Tensor) => discriminator.apply(x, { training: true }) as tf.Tensor;
  return tf.tidy(() => {
    const total = optimizer.minimize(() => {
      const adversarial = nonSaturating.discriminator(critic(real), critic(fake));
      return tf.add(adversarial, tf.mul(gamma / 2, r1Penalty({ critic, real }))) as tf.Scalar;
    }, true)!;
    return total.dataSync()[0];
  });
}
