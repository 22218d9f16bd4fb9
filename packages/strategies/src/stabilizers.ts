import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, expectInteger, expectNumber, type Rng } from '@tfgen/core';

/**
 * One-sided label smoothing (Salimans et al. 2016): the sigmoid cross-entropy
 * discriminator loss with real targets `realTarget` (e.g. 0.9) and fake targets 0:
 * `-t log s(r) - (1 - t) log(1 - s(r)) - log(1 - s(f))`, averaged over the batch.
 * Only meaningful for the minimax / non-saturating losses.
 */
export function smoothedDiscriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor, realTarget: number): tf.Scalar {
  expectNumber(realTarget, 'realTarget', 0, 1);
  return tf.tidy(() => {
    const real = tf.add(tf.mul(realTarget, tf.mean(tf.softplus(tf.neg(realLogits)))), tf.mul(1 - realTarget, tf.mean(tf.softplus(realLogits))));
    return tf.add(real, tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
  });
}

/** Instance noise (Sønderby et al. 2016; Arjovsky & Bottou 2017): its std at `step`, annealed linearly to 0. */
export function instanceNoiseStd(step: number, options: { std: number; annealSteps: number }): number {
  const std = expectNumber(options?.std, 'instanceNoise.std', 0);
  const steps = expectInteger(options.annealSteps, 'instanceNoise.annealSteps', 1);
  return std * Math.max(0, 1 - step / steps);
}

/** Adds Gaussian noise of standard deviation `std` (drawn from `rng`) to a batch; returns a clone when `std` is 0. */
export function addInstanceNoise(x: tf.Tensor, std: number, rng: Rng): tf.Tensor {
  expectNumber(std, 'std', 0);
  if (std === 0) return x.clone();
  return tf.tidy(() => tf.add(x, tf.tensor(rng.normalArray(x.size, 0, std), x.shape)));
}

/** Weight clipping (original WGAN, Arjovsky et al. 2017): clips every trainable weight of `model` to `[-clip, clip]` in place. */
export function clipWeights(model: tfl.LayersModel, clip: number): void {
  expectNumber(clip, 'weightClip', 0, Infinity, true);
  if (!model || !Array.isArray(model.trainableWeights)) throw new ArgumentError('model', 'a tfjs-layers model', model);
  tf.tidy(() => {
    for (const w of model.trainableWeights) w.write(tf.clipByValue(w.read(), -clip, clip));
  });
}
