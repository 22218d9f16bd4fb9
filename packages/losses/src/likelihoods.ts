import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; tfjs-layers registers them all, in Node (CJS bundle) and in bundlers.
import '@tensorflow/tfjs-layers';
import { ArgumentError, ShapeError, expectInteger, expectRank } from '@tfgen/core';

/**
 * Sums a per-element tensor over every axis but the first, giving one value per
 * example (shape `[batch]`). Log-likelihoods of images are sums over pixels.
 */
export function sumPerExample(values: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    if (values.rank === 0) throw new ShapeError('values', 'a tensor of rank >= 1 (batch first)', values.shape);
    if (values.rank === 1) return tf.clone(values) as tf.Tensor1D;
    const axes = Array.from({ length: values.rank - 1 }, (_, i) => i + 1);
    return tf.sum(values, axes) as tf.Tensor1D;
  });
}

function expectSameShape(a: tf.Tensor, aName: string, b: tf.Tensor, bName: string): void {
  const same = a.shape.length === b.shape.length && a.shape.every((s, i) => s === b.shape[i]);
  if (!same) throw new ShapeError(bName, `the shape of ${aName} [${a.shape.join(', ')}]`, b.shape);
}

/**
 * Per-element `log p(x | logits)` of a Bernoulli, computed stably as
 * `x * l - softplus(l) = -(max(l, 0) - l * x + log(1 + exp(-|l|)))`, finite even at logits of ±100.
 * `x` holds 0/1 (or probabilities, which gives the negative cross-entropy).
 */
export function bernoulliLogProbability(x: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  expectSameShape(x, 'x', logits, 'logits');
  return tf.tidy(() => {
    const l = tf.cast(logits, 'float32');
    const positivePart = tf.relu(l);
    const tail = tf.log1p(tf.exp(tf.neg(tf.abs(l))));
    return tf.neg(tf.add(tf.sub(positivePart, tf.mul(l, tf.cast(x, 'float32'))), tail));
  });
}

/**
 * `log p(x | logits)` of independent Bernoullis, summed per example (shape `[batch]`).
 * Example: `bernoulliLogLikelihood(binaryImages, decoderLogits)` for a VAE with a Bernoulli decoder.
 */
export function bernoulliLogLikelihood(x: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => sumPerExample(bernoulliLogProbability(x, logits)));
}

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Per-element log-density of a diagonal Gaussian with the given mean and log-variance. */
export function gaussianLogProbability(x: tf.Tensor, mean: tf.Tensor, logVariance: tf.Tensor): tf.Tensor {
  expectSameShape(x, 'x', mean, 'mean');
  expectSameShape(x, 'x', logVariance, 'logVariance');
  return tf.tidy(() => {
    const diff = tf.sub(x, mean);
    const scaled = tf.mul(tf.square(diff), tf.exp(tf.neg(logVariance)));
    return tf.mul(-0.5, tf.add(tf.add(scaled, logVariance), LOG_TWO_PI));
  });
}

/**
 * Log-density of a diagonal Gaussian, summed per example (shape `[batch]`):
 * `-0.5 * sum(log(2 pi) + logVar + (x - mean)^2 / exp(logVar))`.
 */
export function gaussianLogLikelihood(x: tf.Tensor, mean: tf.Tensor, logVariance: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => sumPerExample(gaussianLogProbability(x, mean, logVariance)));
}

/**
 * Per-element `log softmax(logits)[target]`. `targets` are integer class ids of shape
 * `logits.shape` without its last axis (e.g. 8-bit pixel values 0..255 with 256-way logits).
 */
export function categoricalLogProbability(targets: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  expectRank(logits, 'logits', 1, 8);
  const classes = logits.shape[logits.rank - 1];
  const expected = logits.shape.slice(0, -1);
  const same = targets.shape.length === expected.length && expected.every((s, i) => s === targets.shape[i]);
  if (!same) throw new ShapeError('targets', `shape [${expected.join(', ')}] (logits without the class axis)`, targets.shape);
  return tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(tf.cast(logits, 'float32'));
    const oneHot = tf.reshape(tf.oneHot(tf.reshape(tf.cast(targets, 'int32'), [-1]), classes), logits.shape);
    return tf.sum(tf.mul(oneHot, logProbabilities), -1);
  });
}

/**
 * Log-likelihood of categorical targets summed per example (shape `[batch]`);
 * the 256-way softmax likelihood of PixelCNN and WaveNet.
 */
export function categoricalLogLikelihood(targets: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => sumPerExample(categoricalLogProbability(targets, logits)));
}

/** Parameters of a mixture of discretized logistics, one mixture per data element. */
export interface DiscretizedLogisticMixture {
  /** Mixture logits, shape `[...x.shape, components]`. */
  readonly logits: tf.Tensor;
  /** Component means on the data scale [-1, 1], shape `[...x.shape, components]`. */
  readonly means: tf.Tensor;
  /** Component log-scales, shape `[...x.shape, components]`; clamped below at -7 as in PixelCNN++. */
  readonly logScales: tf.Tensor;
}

/** Options of {@link discretizedLogisticMixtureLogProbability}. */
export interface DiscretizedLogisticOptions {
  /** Number of discrete levels (256 for 8-bit data). */
  readonly bins?: number;
}

/**
 * Per-element log-probability of `x` (values `(2k / (bins - 1)) - 1` for integer k, i.e. 8-bit data
 * rescaled to [-1, 1]) under a mixture of discretized logistics, in the PixelCNN++ form: the bin of
 * width `2 / (bins - 1)` around x; the lowest bin takes all mass below it (edge at -1) and the highest
 * all mass above (edge at 1), so the masses over the `bins` levels sum to 1. Where a bin's mass
 * underflows, the log-density at its centre times the bin width is used.
 */
export function discretizedLogisticMixtureLogProbability(
  x: tf.Tensor,
  mixture: DiscretizedLogisticMixture,
  options: DiscretizedLogisticOptions = {},
): tf.Tensor {
  const bins = expectInteger(options.bins ?? 256, 'options.bins', 2);
  const { logits, means, logScales } = mixture;
  const expected = [...x.shape];
  for (const [name, t] of [['mixture.logits', logits], ['mixture.means', means], ['mixture.logScales', logScales]] as const) {
    if (!t || !Array.isArray(t.shape)) throw new ArgumentError(name, 'a tensor', t);
    const ok = t.rank === x.rank + 1 && expected.every((s, i) => s === t.shape[i]);
    if (!ok) throw new ShapeError(name, `shape [${expected.join(', ')}, components]`, t.shape);
  }
  const halfWidth = 1 / (bins - 1);
  return tf.tidy(() => {
    const xs = tf.expandDims(tf.cast(x, 'float32'), -1);
    const logS = tf.maximum(logScales, -7);
    const centered = tf.sub(xs, means);
    const invScale = tf.exp(tf.neg(logS));
    const plusIn = tf.mul(invScale, tf.add(centered, halfWidth));
    const minIn = tf.mul(invScale, tf.sub(centered, halfWidth));
    const midIn = tf.mul(invScale, centered);
    // log sigmoid(plusIn): log CDF at the upper edge (used for the lowest bin).
    const logCdfPlus = tf.neg(tf.softplus(tf.neg(plusIn)));
    // log(1 - sigmoid(minIn)): log survival at the lower edge (used for the highest bin).
    const logOneMinusCdfMin = tf.neg(tf.softplus(minIn));
    const cdfDelta = tf.sub(tf.sigmoid(plusIn), tf.sigmoid(minIn));
    // log pdf at the centre: midIn - logS - 2 softplus(midIn); times the bin width 2 * halfWidth.
    const logPdfMid = tf.sub(tf.sub(midIn, logS), tf.mul(2, tf.softplus(midIn)));
    const midFallback = tf.add(logPdfMid, Math.log(2 * halfWidth));
    const logDelta = tf.log(tf.maximum(cdfDelta, 1e-12));
    // 0/1 mask built from sign (whose gradient is zero) rather than `greater`, which has no gradient.
    const useDelta = tf.relu(tf.sign(tf.sub(cdfDelta, 1e-5)));
    const middle = tf.add(tf.mul(useDelta, logDelta), tf.mul(tf.sub(1, useDelta), midFallback));
    const low = tf.lessEqual(xs, -1 + halfWidth / 2);
    const high = tf.greaterEqual(xs, 1 - halfWidth / 2);
    const logProbabilities = tf.where(low, logCdfPlus, tf.where(high, logOneMinusCdfMin, middle));
    const logMixture = tf.logSoftmax(tf.cast(logits, 'float32'));
    return tf.logSumExp(tf.add(logProbabilities, logMixture), -1);
  });
}

/** Discretized-logistic-mixture log-likelihood summed per example (shape `[batch]`). */
export function discretizedLogisticMixtureLogLikelihood(
  x: tf.Tensor,
  mixture: DiscretizedLogisticMixture,
  options: DiscretizedLogisticOptions = {},
): tf.Tensor1D {
  return tf.tidy(() => sumPerExample(discretizedLogisticMixtureLogProbability(x, mixture, options)));
}
