import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, expectNumber, registerSecondOrderGradients, Rng, ShapeError } from '@tfgen/core';

// Penalties differentiate the critic twice: make sure tfjs' gradients and core's
// second-order completion (LeakyReLU, tanh, sigmoid, pooling, ...) are registered,
// even if something re-registered the stock gradients after @tfgen/core loaded.
registerSecondOrderGradients();

/** A critic (discriminator) as a function from a batch to its outputs `[batch]` or `[batch, 1]` (or patches). */
export type Critic = (x: tf.Tensor) => tf.Tensor;

const NORM_EPSILON = 1e-12;

function toRng(rng: Rng | number | undefined, argument: string): Rng {
  if (rng instanceof Rng) return rng;
  if (typeof rng === 'number') return new Rng(rng);
  throw new ArgumentError(argument, 'an Rng or a numeric seed', rng);
}

function checkBatch(x: tf.Tensor | undefined, argument: string): tf.Tensor {
  if (!(x instanceof tf.Tensor)) throw new ShapeError(argument, 'a tensor [batch, ...]', x);
  if (x.rank < 2) throw new ShapeError(argument, 'rank >= 2 ([batch, features] or [batch, h, w, c])', x.shape);
  if (x.dtype !== 'float32') throw new ShapeError(argument, 'dtype float32', x.dtype);
  return x;
}

function checkCritic(critic: unknown): Critic {
  if (typeof critic !== 'function') throw new ArgumentError('critic', 'a function (x) => tensor', critic);
  return critic as Critic;
}

/**
 * Per-example interpolation weights `alpha ~ U[0, 1)` of shape `[batch, 1, 1, ...]`
 * (one weight per example, broadcast over every other axis).
 */
export function interpolationWeights(batchSize: number, rank: number, rng: Rng): tf.Tensor {
  const shape = [batchSize, ...new Array(rank - 1).fill(1)];
  return tf.tensor(rng.uniformArray(batchSize), shape);
}

/**
 * Points on the segments between real and fake examples: `real + alpha (fake - real)`
 * with one `alpha` per example (not per pixel, a known bug in popular implementations).
 */
export function interpolate(real: tf.Tensor, fake: tf.Tensor, rng: Rng | number): tf.Tensor {
  checkBatch(real, 'real');
  checkBatch(fake, 'fake');
  if (real.shape.join(',') !== fake.shape.join(',')) {
    throw new ShapeError('fake', `the shape of real [${real.shape.join(', ')}]`, fake.shape);
  }
  const generator = toRng(rng, 'rng');
  return tf.tidy(() => {
    const alpha = interpolationWeights(real.shape[0], real.rank, generator);
    return tf.add(real, tf.mul(alpha, tf.sub(fake, real)));
  });
}

/**
 * Per-example norms `||d critic(x_i) / d x_i||` over all non-batch axes (shape `[batch]`),
 * differentiable (so the penalty's gradient reaches the critic's weights: double backprop).
 * Assumes examples do not interact in the critic (no batch norm, no minibatch layers).
 */
export function criticGradientNorms(critic: Critic, x: tf.Tensor): tf.Tensor1D {
  checkCritic(critic);
  checkBatch(x, 'x');
  return tf.tidy(() => {
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(critic(input)))(x);
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
    return tf.sqrt(tf.add(tf.sum(tf.square(gradient), axes), NORM_EPSILON)) as tf.Tensor1D;
  });
}

/** Options of {@link gradientPenalty}. */
export interface GradientPenaltyOptions {
  /** The critic, e.g. `(x) => D.apply(x, { training: true }) as tf.Tensor`. */
  critic: Critic;
  real: tf.Tensor;
  fake: tf.Tensor;
  /** Target gradient norm (default 1; 750 in "Improved Training of WGANs" follow-ups on some data). */
  target?: number;
  /** Penalize only norms above the target: `max(0, ||g|| - target)^2` (default false: two-sided). */
  oneSided?: boolean;
  /** Draws the per-example interpolation weights. */
  rng: Rng | number;
}

/**
 * WGAN-GP gradient penalty (Gulrajani et al. 2017): `mean((||grad D(x_hat)|| - target)^2)`
 * at per-example interpolates `x_hat` of real and fake, the norm over all non-batch axes.
 * Multiply by the penalty weight (lambda = 10 in the paper) yourself.
 *
 * ```ts
 * const gp = gradientPenalty({ critic: (x) => D.apply(x, { training: true }) as tf.Tensor, real, fake, rng });
 * ```
 */
export function gradientPenalty(options: GradientPenaltyOptions): tf.Scalar {
  const critic = checkCritic(options?.critic);
  const target = expectNumber(options.target ?? 1, 'target', 0);
  const oneSided = options.oneSided ?? false;
  if (typeof oneSided !== 'boolean') throw new ArgumentError('oneSided', 'a boolean', oneSided);
  const rng = toRng(options.rng, 'rng');
  return tf.tidy(() => {
    const xHat = interpolate(options.real, options.fake, rng);
    const deviation = tf.sub(criticGradientNorms(critic, xHat), target);
    const penalized = oneSided ? tf.relu(deviation) : deviation;
    return tf.mean(tf.square(penalized)) as tf.Scalar;
  });
}

/**
 * R1 penalty (Mescheder et al. 2018): `mean(||grad D(real)||^2)` on real data.
 * The paper's regularizer is `gamma / 2` times this.
 */
export function r1Penalty(options: { critic: Critic; real: tf.Tensor }): tf.Scalar {
  const critic = checkCritic(options?.critic);
  checkBatch(options.real, 'real');
  return tf.tidy(() => tf.mean(tf.square(criticGradientNorms(critic, options.real))) as tf.Scalar);
}

/**
 * R2 penalty (Mescheder et al. 2018): `mean(||grad D(fake)||^2)` on generated data.
 * The paper's regularizer is `gamma / 2` times this.
 */
export function r2Penalty(options: { critic: Critic; fake: tf.Tensor }): tf.Scalar {
  const critic = checkCritic(options?.critic);
  checkBatch(options.fake, 'fake');
  return tf.tidy(() => tf.mean(tf.square(criticGradientNorms(critic, options.fake))) as tf.Scalar);
}

/** Options of {@link draganPenalty}. */
export interface DraganPenaltyOptions {
  critic: Critic;
  real: tf.Tensor;
  rng: Rng | number;
  /** Perturbations are `perturbationScale * std(real) * U[0, 1)` per element (default 0.5, as in the DRAGAN code). */
  perturbationScale?: number;
  /** Target gradient norm (default 1). */
  target?: number;
}

/**
 * DRAGAN penalty (Kodali et al. 2017): the gradient penalty around the data, at
 * `x_hat = real + alpha * delta` with `delta = c * std(real) * U[0,1)` per element
 * and one `alpha ~ U[0,1)` per example: `mean((||grad D(x_hat)|| - target)^2)`.
 */
export function draganPenalty(options: DraganPenaltyOptions): tf.Scalar {
  const critic = checkCritic(options?.critic);
  const real = checkBatch(options.real, 'real');
  const scale = expectNumber(options.perturbationScale ?? 0.5, 'perturbationScale', 0);
  const target = expectNumber(options.target ?? 1, 'target', 0);
  const rng = toRng(options.rng, 'rng');
  return tf.tidy(() => {
    const std = tf.sqrt(tf.moments(real).variance);
    const noise = tf.tensor(rng.uniformArray(real.size), real.shape);
    const perturbed = tf.add(real, tf.mul(tf.mul(noise, std), scale));
    const xHat = interpolate(real, perturbed, rng);
    return tf.mean(tf.square(tf.sub(criticGradientNorms(critic, xHat), target))) as tf.Scalar;
  });
}
