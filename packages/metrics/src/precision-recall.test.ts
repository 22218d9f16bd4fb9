import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tfgen/core';
import { precisionRecall } from './precision-recall';

describe('precisionRecall', () => {
  it('is 1/1 on identical sets and 0/0 on disjoint ones', () => {
    const rng = new Rng(1);
    const x = Array.from({ length: 200 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    expect(precisionRecall(x, x)).toMatchObject({ precision: 1, recall: 1, k: 3, realCount: 200, generatedCount: 200 });
    const far = x.map((p) => p.map((v) => v + 100));
    expect(precisionRecall(x, far)).toMatchObject({ precision: 0, recall: 0 });
  });

  it('separates quality from diversity: a collapsed generator has high precision and low recall', () => {
    const rng = new Rng(2);
    const real = Array.from({ length: 600 }, (_, i) => [rng.normal(i % 2 ? 5 : -5, 0.5), rng.normal(0, 0.5)]);
    const collapsed = Array.from({ length: 600 }, () => [rng.normal(5, 0.3), rng.normal(0, 0.3)]);
    const result = precisionRecall(real, collapsed);
    expect(result.precision).toBeGreaterThan(0.9);
    expect(result.recall).toBeGreaterThan(0.3);
    expect(result.recall).toBeLessThan(0.6); // only the +5 half of the real points is covered
  });

  it('matches a brute-force computation, leaks no tensors and validates input', () => {
    const rng = new Rng(3);
    const real = Array.from({ length: 40 }, () => [rng.normal(), rng.normal()]);
    const fake = Array.from({ length: 35 }, () => [rng.normal(0.7), rng.normal(0, 1.5)]);
    const d2 = (p: number[], q: number[]) => (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2;
    const radii = (set: number[][]) => set.map((p, i) => set.filter((_, j) => j !== i).map((q) => d2(p, q)).sort((u, v) => u - v)[2]);
    const rr = radii(real);
    const fr = radii(fake);
    const precision = fake.filter((q) => real.some((p, i) => d2(p, q) <= rr[i])).length / fake.length;
    const recall = real.filter((p) => fake.some((q, i) => d2(p, q) <= fr[i])).length / real.length;
    const before = tf.memory().numTensors;
    const result = precisionRecall(real, fake);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.precision).toBeCloseTo(precision, 10);
    expect(result.recall).toBeCloseTo(recall, 10);
    expect(() => precisionRecall(real.slice(0, 3), fake)).toThrow(/more than k = 3/);
    expect(() => precisionRecall(real, fake, { k: 0 })).toThrow(/options\.k/);
  });
});
