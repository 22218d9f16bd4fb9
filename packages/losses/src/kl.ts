import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@tfgen/core';
import { sumPerExample } from './likelihoods';

function expectSameShape(a: tf.Tensor, aName: string, b: tf.Tensor, bName: string): void {
  const same = a.shape.length === b.shape.length && a.shape.every((s, i) => s === b.shape[i]);
  if (!same) throw new ShapeError(bName, `the shape of ${aName} [${a.shape.join(', ')}]`, b.shape);
}

/**
 * `KL(N(mean1, exp(logVar1)) || N(mean2, exp(logVar2)))` for diagonal Gaussians, summed per example
 * (shape `[batch]`): `0.5 * sum(logVar2 - logVar1 + (exp(logVar1) + (mean1 - mean2)^2) / exp(logVar2) - 1)`.
 */
export function klDiagonalGaussians(
  mean1: tf.Tensor,
  logVariance1: tf.Tensor,
  mean2: tf.Tensor,
  logVariance2: tf.Tensor,
): tf.Tensor1D {
  expectSameShape(mean1, 'mean1', logVariance1, 'logVariance1');
  expectSameShape(mean1, 'mean1', mean2, 'mean2');
  expectSameShape(mean1, 'mean1', logVariance2, 'logVariance2');
  return tf.tidy(() => {
    const ratio = tf.exp(tf.sub(logVariance1, logVariance2));
    const meanTerm = tf.mul(tf.square(tf.sub(mean1, mean2)), tf.exp(tf.neg(logVariance2)));
    const perElement = tf.mul(0.5, tf.sub(tf.add(tf.sub(tf.add(ratio, meanTerm), 1), logVariance2), logVariance1));
    return sumPerExample(perElement);
  });
}

/**
 * `KL(N(mean, exp(logVar)) || N(0, I))` summed per example (shape `[batch]`), the VAE's KL term:
 * `0.5 * sum(exp(logVar) + mean^2 - 1 - logVar)`.
 */
export function klStandardNormal(mean: tf.Tensor, logVariance: tf.Tensor): tf.Tensor1D {
  expectSameShape(mean, 'mean', logVariance, 'logVariance');
  return tf.tidy(() => {
    const perElement = tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.exp(logVariance), tf.square(mean)), 1), logVariance));
    return sumPerExample(perElement);
  });
}
