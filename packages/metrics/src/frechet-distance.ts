import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ArgumentError, ShapeError } from '@tfgen/core';
import { toSampleMatrix, type SampleInput } from './sample-matrix';

/** Mean and covariance of a feature set (what FID stores for a reference set). */
export interface GaussianStatistics {
  /** Feature mean, length d. */
  readonly mean: Float64Array;
  /** Unbiased (n - 1) covariance, d x d, row-major. */
  readonly covariance: Float64Array;
  readonly dimension: number;
  /** Number of feature vectors the statistics came from. */
  readonly count: number;
}

/** Result of {@link frechetDistance}. */
export interface FrechetDistanceResult {
  /** Squared Fréchet (2-Wasserstein) distance between the two fitted Gaussians. */
  readonly distance: number;
  /** Feature vectors on each side: FD is biased upward at small n, so compare only equal counts. */
  readonly realCount: number;
  readonly generatedCount: number;
  readonly dimension: number;
}

/**
 * Mean and unbiased covariance of `features` (`[n, d]`, n >= 2), in float64.
 * @example const stats = gaussianStatistics(classifier.features(testImages));
 */
export function gaussianStatistics(features: SampleInput, argument = 'features'): GaussianStatistics {
  const m = toSampleMatrix(features, argument);
  if (m.rows < 2) throw new ArgumentError(argument, 'at least 2 feature vectors', `${m.rows}`);
  const d = m.cols;
  const mean = new Float64Array(d);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < d; j++) mean[j] += m.data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= m.rows;
  const covariance = new Float64Array(d * d);
  const centered = new Float64Array(d);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < d; j++) centered[j] = m.data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ca = centered[a];
      if (ca === 0) continue;
      const row = a * d;
      for (let b = a; b < d; b++) covariance[row + b] += ca * centered[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = covariance[a * d + b] / (m.rows - 1);
      covariance[a * d + b] = v;
      covariance[b * d + a] = v;
    }
  }
  return { mean, covariance, dimension: d, count: m.rows };
}

/**
 * Squared Fréchet distance between N(mu1, S1) and N(mu2, S2):
 * `||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))`, with the trace term computed as
 * `tr((S1^(1/2) S2 S1^(1/2))^(1/2))` (a symmetric PSD matrix, so two symmetric
 * eigendecompositions from ml-matrix suffice; tiny negative eigenvalues from rounding are clipped).
 */
export function gaussianFrechetDistance(a: GaussianStatistics, b: GaussianStatistics): number {
  if (a.dimension !== b.dimension) throw new ShapeError('b', `statistics of dimension ${a.dimension}`, `dimension ${b.dimension}`);
  const d = a.dimension;
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  let traceA = 0;
  let traceB = 0;
  for (let j = 0; j < d; j++) {
    traceA += a.covariance[j * d + j];
    traceB += b.covariance[j * d + j];
  }
  const s1 = toMatrix(a.covariance, d);
  const s2 = toMatrix(b.covariance, d);
  const root1 = symmetricSqrt(s1);
  const inner = root1.mmul(s2).mmul(root1);
  const crossTrace = symmetricEigenvalues(inner).reduce((s, v) => s + Math.sqrt(Math.max(v, 0)), 0);
  return Math.max(0, meanTerm + traceA + traceB - 2 * crossTrace);
}

/**
 * Fréchet distance between two feature sets: FID when the features come from Inception, "FCD"
 * (Fréchet classifier distance) with this package's MNIST/Fashion-MNIST classifiers.
 * Pass precomputed {@link GaussianStatistics} for a fixed reference set.
 *
 * Sample-size bias: the estimate is biased upward, roughly by a term proportional to 1/n
 * (Binkowski et al. 2018; Chong & Forsyth 2020), so FD(set, another sample of the same
 * distribution) > 0 and values from different n are not comparable. Report `realCount`/`generatedCount`.
 *
 * @example
 * const { distance } = frechetDistance(mnist.features(real), mnist.features(fake));
 */
export function frechetDistance(real: SampleInput | GaussianStatistics, generated: SampleInput | GaussianStatistics): FrechetDistanceResult {
  const a = isStatistics(real) ? real : gaussianStatistics(real, 'real');
  const b = isStatistics(generated) ? generated : gaussianStatistics(generated, 'generated');
  if (a.dimension !== b.dimension) throw new ShapeError('generated', `features of dimension ${a.dimension} (as real)`, `dimension ${b.dimension}`);
  return { distance: gaussianFrechetDistance(a, b), realCount: a.count, generatedCount: b.count, dimension: a.dimension };
}

function isStatistics(value: unknown): value is GaussianStatistics {
  return typeof value === 'object' && value !== null && 'covariance' in value && 'mean' in value && !Array.isArray(value);
}

function toMatrix(values: Float64Array, d: number): Matrix {
  const m = new Matrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m.set(i, j, 0.5 * (values[i * d + j] + values[j * d + i]));
  return m;
}

function symmetrize(m: Matrix): Matrix {
  return m.add(m.transpose()).mul(0.5);
}

function symmetricEigenvalues(m: Matrix): number[] {
  return new EigenvalueDecomposition(symmetrize(m), { assumeSymmetric: true }).realEigenvalues;
}

/** Principal square root of a symmetric PSD matrix (eigenvalues below 0 clipped to 0). */
export function symmetricMatrixSqrt(values: Float64Array, dimension: number): Float64Array {
  const root = symmetricSqrt(toMatrix(values, dimension));
  return Float64Array.from(root.to1DArray());
}

function symmetricSqrt(m: Matrix): Matrix {
  const evd = new EigenvalueDecomposition(symmetrize(m), { assumeSymmetric: true });
  const vectors = evd.eigenvectorMatrix;
  const roots = evd.realEigenvalues.map((v) => Math.sqrt(Math.max(v, 0)));
  return vectors.mmul(Matrix.diag(roots)).mmul(vectors.transpose());
}
