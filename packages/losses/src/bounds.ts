import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { ShapeError, expectInteger, expectNumber } from '@tfgen/core';

/**
 * `log(mean(exp(values)))` along `axis`, computed stably as `max + log(mean(exp(values - max)))`
 * so log-weights of -1000 do not underflow to -Infinity.
 */
export function logMeanExp(values: tf.Tensor, axis = 0): tf.Tensor {
  const rank = values.rank;
  const resolved = expectInteger(axis, 'axis', -rank, rank - 1);
  const positive = resolved < 0 ? resolved + rank : resolved;
  return tf.tidy(() => {
    const maximum = tf.max(values, positive, true);
    const safeMaximum = tf.where(tf.isFinite(maximum), maximum, tf.zerosLike(maximum));
    const shifted = tf.exp(tf.sub(values, safeMaximum));
    const result = tf.add(tf.log(tf.mean(shifted, positive, true)), safeMaximum);
    return tf.squeeze(result, [positive]);
  });
}

/** Terms of an evidence lower bound. */
export interface ElboTerms {
  /** `E_q[log p(x | z)]` per example (a one-sample estimate), shape `[batch]`. */
  readonly logLikelihood: tf.Tensor;
  /** `KL(q(z | x) || p(z))` per example, shape `[batch]`. */
  readonly kl: tf.Tensor;
  /** Weight of the KL term (beta-VAE); 1 gives the true ELBO. */
  readonly beta?: number;
}

/**
 * The (beta-weighted) evidence lower bound per example: `logLikelihood - beta * kl`.
 * Maximize its mean; with beta = 1 it lower-bounds `log p(x)`.
 */
export function elbo({ logLikelihood, kl, beta = 1 }: ElboTerms): tf.Tensor {
  expectNumber(beta, 'beta', 0);
  const same = logLikelihood.shape.length === kl.shape.length && kl.shape.every((s, i) => s === logLikelihood.shape[i]);
  if (!same) throw new ShapeError('kl', `the shape of logLikelihood [${logLikelihood.shape.join(', ')}]`, kl.shape);
  return tf.tidy(() => tf.sub(logLikelihood, tf.mul(beta, kl)));
}

/**
 * The importance-weighted bound (Burda et al. 2016) from log importance weights
 * `log p(x, z_i) - log q(z_i | x)` of shape `[k, batch]` (samples first): `log (1/k) sum_i w_i` per
 * example. k = 1 gives the ELBO; it tightens towards `log p(x)` as k grows.
 */
export function iwaeBound(logWeights: tf.Tensor, sampleAxis = 0): tf.Tensor {
  if (logWeights.rank < 1) throw new ShapeError('logWeights', 'a tensor of shape [k, batch]', logWeights.shape);
  return logMeanExp(logWeights, sampleAxis);
}
