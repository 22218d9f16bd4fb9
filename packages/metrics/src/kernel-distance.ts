import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, Rng, ShapeError, expectInteger } from '@tfgen/core';
import { toSampleMatrix, type SampleInput } from './sample-matrix';

/** Options of {@link kernelDistance}. */
export interface KernelDistanceOptions {
  /** Random subsets to average over (default 100, as in the KID reference code). */
  readonly subsets?: number;
  /** Points per subset from each side (default min(1000, realCount, generatedCount)); >= 2. */
  readonly subsetSize?: number;
  /** Seed or generator for drawing the subsets (default seed 0). */
  readonly rng?: Rng | number;
}

/** Result of {@link kernelDistance}. */
export interface KernelDistanceResult {
  /** Mean over subsets of the unbiased MMD^2 estimate (KID). Can be slightly negative. */
  readonly kid: number;
  /** Standard deviation of the per-subset estimates. */
  readonly std: number;
  readonly subsets: number;
  readonly subsetSize: number;
  readonly realCount: number;
  readonly generatedCount: number;
}

/**
 * Unbiased squared MMD with the polynomial kernel `k(x, y) = (x.y / d + 1)^3` of two equal-size
 * sets (rows of `x` and `y`, each m >= 2):
 * `sum_{i!=j} k(x_i,x_j)/(m(m-1)) + sum_{i!=j} k(y_i,y_j)/(m(m-1)) - 2 sum_{i,j} k(x_i,y_j)/m^2`.
 * Its expectation is exactly MMD^2, 0 for equal distributions.
 */
export function unbiasedPolynomialMmd2(x: tf.Tensor2D, y: tf.Tensor2D): number {
  if (x.rank !== 2 || y.rank !== 2 || x.shape[1] !== y.shape[1]) throw new ShapeError('y', `[m, ${x.shape[1]}] like x`, y.shape);
  if (x.shape[0] !== y.shape[0] || x.shape[0] < 2) throw new ShapeError('y', `${x.shape[0]} rows like x (and at least 2)`, y.shape);
  const m = x.shape[0];
  const d = x.shape[1];
  const sums = tf.tidy(() => {
    const kernel = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.pow(tf.add(tf.div(tf.matMul(a, b, false, true), d), 1), 3);
    const diagonal = (a: tf.Tensor2D) => tf.sum(tf.pow(tf.add(tf.div(tf.sum(tf.square(a), 1), d), 1), 3));
    return tf.stack([tf.sum(kernel(x, x)), diagonal(x), tf.sum(kernel(y, y)), diagonal(y), tf.sum(kernel(x, y))]);
  });
  const [kxx, dx, kyy, dy, kxy] = Array.from(sums.dataSync());
  sums.dispose();
  return (kxx - dx) / (m * (m - 1)) + (kyy - dy) / (m * (m - 1)) - (2 * kxy) / (m * m);
}

/**
 * Kernel Inception Distance (here: kernel classifier distance, on classifier features), Binkowski et
 * al. 2018: the unbiased MMD^2 estimate with a cubic polynomial kernel, averaged over random
 * subsets drawn without replacement. Unlike the Fréchet distance it is unbiased, so values from
 * different sample sizes are comparable and equal distributions give 0 in expectation (single
 * estimates scatter around 0 and can be negative). Counts are returned: report them.
 *
 * @example
 * const { kid, std } = kernelDistance(mnist.features(real), mnist.features(fake), { subsets: 50, subsetSize: 500 });
 */
export function kernelDistance(real: SampleInput, generated: SampleInput, options: KernelDistanceOptions = {}): KernelDistanceResult {
  const a = toSampleMatrix(real, 'real');
  const b = toSampleMatrix(generated, 'generated', a.cols);
  if (a.rows < 2 || b.rows < 2) throw new ArgumentError(a.rows < 2 ? 'real' : 'generated', 'at least 2 feature vectors', Math.min(a.rows, b.rows));
  const subsets = expectInteger(options.subsets ?? 100, 'options.subsets', 1);
  const maxSize = Math.min(a.rows, b.rows);
  const subsetSize = expectInteger(options.subsetSize ?? Math.min(1000, maxSize), 'options.subsetSize', 2, maxSize);
  const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
  const d = a.cols;
  const pick = (source: typeof a, count: number) => {
    const order = rng.permutation(source.rows);
    const out = new Float32Array(count * d);
    for (let i = 0; i < count; i++) for (let j = 0; j < d; j++) out[i * d + j] = source.data[order[i] * d + j];
    return out;
  };
  const estimates: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const x = tf.tensor2d(pick(a, subsetSize), [subsetSize, d]);
    const y = tf.tensor2d(pick(b, subsetSize), [subsetSize, d]);
    try {
      estimates.push(unbiasedPolynomialMmd2(x, y));
    } finally {
      tf.dispose([x, y]);
    }
  }
  const kid = estimates.reduce((s, v) => s + v, 0) / subsets;
  const std = subsets > 1 ? Math.sqrt(estimates.reduce((s, v) => s + (v - kid) ** 2, 0) / (subsets - 1)) : 0;
  return { kid, std, subsets, subsetSize, realCount: a.rows, generatedCount: b.rows };
}
