import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tfgen/core';
import { kernelDistance, unbiasedPolynomialMmd2 } from './kernel-distance';

const k = (a: number[], b: number[]) => (a.reduce((s, v, i) => s + v * b[i], 0) / a.length + 1) ** 3;

describe('unbiasedPolynomialMmd2', () => {
  it('matches a direct double loop', () => {
    const rng = new Rng(3);
    const x = Array.from({ length: 6 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const y = Array.from({ length: 6 }, () => [rng.normal(1), rng.normal(), rng.normal(-1)]);
    let xx = 0;
    let yy = 0;
    let xy = 0;
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        if (i !== j) {
          xx += k(x[i], x[j]);
          yy += k(y[i], y[j]);
        }
        xy += k(x[i], y[j]);
      }
    }
    const expected = xx / 30 + yy / 30 - (2 * xy) / 36;
    const tx = tf.tensor2d(x);
    const ty = tf.tensor2d(y);
    expect(unbiasedPolynomialMmd2(tx, ty)).toBeCloseTo(expected, 4);
    tf.dispose([tx, ty]);
  });
});

describe('kernelDistance', () => {
  it('is ~0 in expectation on equal distributions (unbiased: some estimates are negative)', () => {
    const rng = new Rng(5);
    const draw = (n: number) => Array.from({ length: n }, () => [rng.normal(), rng.normal(0, 2), rng.uniform(-1, 1), rng.normal()]);
    const results = Array.from({ length: 20 }, (_, r) => kernelDistance(draw(60), draw(60), { subsets: 10, subsetSize: 30, rng: r }));
    const mean = results.reduce((s, r) => s + r.kid, 0) / results.length;
    const spread = Math.sqrt(results.reduce((s, r) => s + r.kid ** 2, 0) / results.length);
    expect(Math.abs(mean)).toBeLessThan(3 * spread / Math.sqrt(results.length));
    expect(results.some((r) => r.kid < 0)).toBe(true);
    // a shifted distribution is clearly positive, far beyond that noise
    const shifted = kernelDistance(draw(60), draw(60).map((p) => p.map((v) => v + 1)), { subsets: 10, subsetSize: 30 });
    expect(shifted.kid).toBeGreaterThan(5 * spread);
    expect(shifted).toMatchObject({ subsets: 10, subsetSize: 30, realCount: 60, generatedCount: 60 });
  });

  it('is reproducible from a seed, leaks no tensors and validates options', () => {
    const x = Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(i)]);
    const y = Array.from({ length: 25 }, (_, i) => [Math.sin(2 * i), Math.cos(3 * i)]);
    const before = tf.memory().numTensors;
    const first = kernelDistance(x, y, { subsets: 5, subsetSize: 10, rng: 7 });
    expect(tf.memory().numTensors).toBe(before);
    expect(kernelDistance(x, y, { subsets: 5, subsetSize: 10, rng: 7 })).toEqual(first);
    expect(kernelDistance(x, y).subsetSize).toBe(20);
    expect(() => kernelDistance(x, y, { subsetSize: 21 })).toThrow(/options\.subsetSize/);
    expect(() => kernelDistance(x, [[1, 2, 3]])).toThrow(/dimension 2/);
  });
});
