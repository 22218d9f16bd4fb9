import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tfgen/core';
import { frechetDistance, gaussianFrechetDistance, gaussianStatistics, symmetricMatrixSqrt } from './frechet-distance';

/** n samples of N(mean, R R^T): x = mean + R z. */
function gaussianSamples(rng: Rng, n: number, mean: number[], mix: number[][]): number[][] {
  const d = mean.length;
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: d }, () => rng.normal());
    return mean.map((m, i) => m + mix[i].reduce((s, r, j) => s + r * z[j], 0));
  });
}

function stats(mean: number[], cov: number[][]) {
  const d = mean.length;
  return { mean: Float64Array.from(mean), covariance: Float64Array.from(cov.flat()), dimension: d, count: Infinity };
}

describe('frechetDistance', () => {
  it('is ~0 for a set against itself', () => {
    const rng = new Rng(1);
    const x = gaussianSamples(rng, 500, [1, -2, 0.5, 3], [[1, 0, 0, 0], [0.5, 2, 0, 0], [0, 0.3, 0.7, 0], [0.2, 0, 0, 1.5]]);
    const result = frechetDistance(x, x);
    expect(result.distance).toBeLessThan(1e-8);
    expect(result.realCount).toBe(500);
    expect(result.generatedCount).toBe(500);
    expect(result.dimension).toBe(4);
  });

  it('matches the closed form for commuting (diagonal) covariances', () => {
    // FD = ||mu1-mu2||^2 + sum_i (s1_i - s2_i)^2 for diagonal covariances with stds s1, s2
    const mu1 = [0, 1, 2];
    const mu2 = [1, 1, 0];
    const std1 = [1, 2, 0.5];
    const std2 = [2, 1, 0.5];
    const closed = mu1.reduce((s, m, i) => s + (m - mu2[i]) ** 2, 0) + std1.reduce((s, a, i) => s + (a - std2[i]) ** 2, 0);
    const exact = gaussianFrechetDistance(
      stats(mu1, std1.map((s, i) => std1.map((_, j) => (i === j ? s * s : 0)))),
      stats(mu2, std2.map((s, i) => std2.map((_, j) => (i === j ? s * s : 0)))),
    );
    expect(exact).toBeCloseTo(closed, 10);
    // from large samples: the sampling error is O(1/sqrt(n))
    const rng = new Rng(2);
    const diag = (s: number[]) => s.map((v, i) => s.map((_, j) => (i === j ? v : 0)));
    const a = gaussianSamples(rng, 40_000, mu1, diag(std1));
    const b = gaussianSamples(rng, 40_000, mu2, diag(std2));
    expect(frechetDistance(a, b).distance).toBeCloseTo(closed, 1);
  });

  it('matches the 2-Wasserstein closed form for non-commuting covariances', () => {
    // 2x2: tr((S1 S2)^{1/2}) = sqrt(tr(S1 S2) + 2 sqrt(det(S1 S2))) for PSD S1, S2
    const s1 = [[2, 0.8], [0.8, 1]];
    const s2 = [[1, -0.5], [-0.5, 3]];
    const prod = [
      [s1[0][0] * s2[0][0] + s1[0][1] * s2[1][0], s1[0][0] * s2[0][1] + s1[0][1] * s2[1][1]],
      [s1[1][0] * s2[0][0] + s1[1][1] * s2[1][0], s1[1][0] * s2[0][1] + s1[1][1] * s2[1][1]],
    ];
    const trProd = prod[0][0] + prod[1][1];
    const detProd = prod[0][0] * prod[1][1] - prod[0][1] * prod[1][0];
    const crossTrace = Math.sqrt(trProd + 2 * Math.sqrt(detProd));
    const mu1 = [0.5, -1];
    const mu2 = [2, 1];
    const closed = (mu1[0] - mu2[0]) ** 2 + (mu1[1] - mu2[1]) ** 2 + 3 + 4 - 2 * crossTrace;
    expect(gaussianFrechetDistance(stats(mu1, s1), stats(mu2, s2))).toBeCloseTo(closed, 10);
  });

  it('computes unbiased covariances and a true matrix square root', () => {
    const x = [[1, 2], [3, 5], [4, 4], [0, 1]];
    const s = gaussianStatistics(x);
    // mean (2, 3); deviations (-1,-1), (1,2), (2,1), (-2,-2)
    expect(Array.from(s.mean)).toEqual([2, 3]);
    expect(Array.from(s.covariance)).toEqual([10 / 3, 9 / 3, 9 / 3, 10 / 3]);
    const root = symmetricMatrixSqrt(Float64Array.from([5, 4, 4, 5]), 2);
    // [[5,4],[4,5]] = V diag(9,1) V^T -> sqrt = [[2,1],[1,2]]
    expect(Array.from(root).map((v) => Number(v.toFixed(10)))).toEqual([2, 1, 1, 2]);
  });

  it('accepts tensors, leaks nothing and rejects mismatched input', () => {
    const a = tf.randomNormal([50, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([60, 3], 1, 1, 'float32', 2) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const result = frechetDistance(a, b);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.distance).toBeGreaterThan(1.5);
    expect(result.generatedCount).toBe(60);
    expect(() => frechetDistance(a, tf.zeros([5, 4]) as tf.Tensor2D)).toThrow(/dimension 3/);
    expect(() => frechetDistance([[1, 2]], [[1, 2], [3, 4]])).toThrow(/at least 2/);
    tf.dispose([a, b]);
  });
});
