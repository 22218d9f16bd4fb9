import { ArgumentError, expectInteger, expectNumber } from '@tfgen/core';
import { toSampleMatrix, type SampleInput } from './sample-matrix';

/** Options of {@link modeCoverage}. */
export interface ModeCoverageOptions {
  /** The true mixture's component means, all of one dimension (e.g. `ringOfGaussians` centers). */
  readonly centers: ReadonlyArray<readonly number[]>;
  /** The components' (isotropic) standard deviation; distances are measured in units of it. */
  readonly std: number;
  /** A sample is high-quality when its std-normalized distance to its nearest center is below this. Default 3. */
  readonly threshold?: number;
  /**
   * High-quality samples a mode needs to count as captured. Default 1, as in PacGAN's released
   * metric code (`mode coverage = number of modes with a nonzero count`).
   */
  readonly minSamplesPerMode?: number;
}

/** Result of {@link modeCoverage}. */
export interface ModeCoverage {
  /** Modes with at least `minSamplesPerMode` high-quality samples assigned to them. */
  readonly modesCovered: number;
  /** Number of modes (centers). */
  readonly modeCount: number;
  /** Fraction of all samples that are high-quality (in [0, 1]). */
  readonly highQualityFraction: number;
  /**
   * KL(q || uniform) in nats, q = histogram of high-quality samples over modes. 0 when every mode
   * gets the same share; ln(modeCount) when all fall on one mode. NaN when no sample is high-quality.
   */
  readonly reverseKl: number;
  /** Jensen-Shannon divergence (nats) between the same histogram and uniform; in [0, ln 2]. NaN when no sample is high-quality. */
  readonly jsd: number;
  /** High-quality sample count per mode, in the order of `centers`. */
  readonly perMode: number[];
  /** Number of samples evaluated (the metrics depend on it: report it). */
  readonly sampleCount: number;
}

/**
 * Mode coverage of samples from a model trained on a Gaussian mixture, with the VEEGAN/PacGAN
 * definitions (as in PacGAN's released metric code, `MetricLogger`): each sample goes to the
 * center nearest in std-normalized Euclidean distance `||x - mu|| / std`; it is high-quality
 * when that distance is below `threshold` (3); a mode is captured when at least one
 * high-quality sample goes to it; reverse KL and JSD compare the per-mode histogram of
 * high-quality samples with the uniform distribution over modes.
 *
 * PacGAN Table 1 reports these on 2500 samples (ring of 8: std 0.01, radius 1; grid of 25: std 0.05).
 *
 * @example
 * const centers = Array.from({ length: 8 }, (_, k) => [Math.cos(k * Math.PI / 4), Math.sin(k * Math.PI / 4)]);
 * const { modesCovered, highQualityFraction } = modeCoverage(samples, { centers, std: 0.01 });
 */
export function modeCoverage(samples: SampleInput, options: ModeCoverageOptions): ModeCoverage {
  const { centers } = options;
  if (!Array.isArray(centers) || centers.length === 0) {
    throw new ArgumentError('options.centers', 'a non-empty array of points', centers);
  }
  const dim = centers[0].length;
  if (!Number.isInteger(dim) || dim < 1) throw new ArgumentError('options.centers[0]', 'a point with at least one coordinate', centers[0]);
  centers.forEach((c, k) => {
    if (!Array.isArray(c) || c.length !== dim || !c.every(Number.isFinite)) {
      throw new ArgumentError(`options.centers[${k}]`, `a point of ${dim} finite numbers`, c);
    }
  });
  const std = expectNumber(options.std, 'options.std', 0, Infinity, true);
  const threshold = expectNumber(options.threshold ?? 3, 'options.threshold', 0, Infinity, true);
  const minSamples = expectInteger(options.minSamplesPerMode ?? 1, 'options.minSamplesPerMode', 1);
  const points = toSampleMatrix(samples, 'samples', dim);
  if (points.rows === 0) throw new ArgumentError('samples', 'at least one sample', 'no samples');

  const modeCount = centers.length;
  const perMode = new Array<number>(modeCount).fill(0);
  const limit = (threshold * std) ** 2;
  for (let i = 0; i < points.rows; i++) {
    let best = Infinity;
    let bestMode = -1;
    for (let k = 0; k < modeCount; k++) {
      let d2 = 0;
      for (let j = 0; j < dim; j++) {
        const diff = points.data[i * dim + j] - centers[k][j];
        d2 += diff * diff;
      }
      if (d2 < best) {
        best = d2;
        bestMode = k;
      }
    }
    if (best < limit) perMode[bestMode]++;
  }
  const highQuality = perMode.reduce((s, c) => s + c, 0);
  const { reverseKl, jsd } = divergencesFromUniform(perMode);
  return {
    modesCovered: perMode.filter((c) => c >= minSamples).length,
    modeCount,
    highQualityFraction: highQuality / points.rows,
    reverseKl,
    jsd,
    perMode,
    sampleCount: points.rows,
  };
}

/**
 * KL(q || uniform) and JSD(q, uniform) in nats for a histogram of counts `q` over modes
 * (the reverse KL of VEEGAN/PacGAN and Stacked MNIST). NaN for both when all counts are 0.
 * @example divergencesFromUniform([5, 0]) // { reverseKl: ln 2, jsd: ... }
 */
export function divergencesFromUniform(counts: readonly number[]): { reverseKl: number; jsd: number } {
  if (counts.length === 0) throw new ArgumentError('counts', 'a non-empty histogram', counts);
  counts.forEach((c, k) => {
    if (!Number.isFinite(c) || c < 0) throw new ArgumentError(`counts[${k}]`, 'a finite count >= 0', c);
  });
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) return { reverseKl: NaN, jsd: NaN };
  const modes = counts.length;
  const uniform = 1 / modes;
  let reverseKl = 0;
  let jsd = 0;
  for (const c of counts) {
    const q = c / total;
    const m = 0.5 * (q + uniform);
    if (q > 0) {
      reverseKl += q * Math.log(q / uniform);
      jsd += 0.5 * q * Math.log(q / m);
    }
    jsd += 0.5 * uniform * Math.log(uniform / m);
  }
  return { reverseKl: Math.max(0, reverseKl), jsd: Math.max(0, jsd) };
}
