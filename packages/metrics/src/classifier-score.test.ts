import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { classifierScore } from './classifier-score';

describe('classifierScore', () => {
  it('is 1 for constant predictions and numClasses for confident predictions spread over classes', () => {
    const constant = Array.from({ length: 30 }, () => [0.2, 0.5, 0.3]);
    expect(classifierScore(constant).score).toBeCloseTo(1, 12);
    const confident = Array.from({ length: 48 }, (_, i) => [0, 1, 2, 3].map((c) => (c === i % 4 ? 1 : 0)));
    expect(classifierScore(confident).score).toBeCloseTo(4, 12);
    expect(classifierScore(confident, { splits: 4 })).toMatchObject({ splits: 4, sampleCount: 48 });
    expect(classifierScore(confident, { splits: 4 }).score).toBeCloseTo(4, 12);
  });

  it('matches a direct computation in between and accepts tensors', () => {
    const rows = [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]];
    const marginal = [(0.9 + 0.2 + 0.6) / 3, (0.1 + 0.8 + 0.4) / 3];
    const kl = rows.reduce((s, r) => s + r.reduce((t, v, j) => t + v * Math.log(v / marginal[j]), 0), 0) / 3;
    const t = tf.tensor2d(rows) as tf.Tensor2D;
    expect(classifierScore(t).score).toBeCloseTo(Math.exp(kl), 6);
    t.dispose();
  });

  it('rejects rows that are not probability vectors', () => {
    expect(() => classifierScore([[0.5, 0.6]])).toThrow(/summing to 1/);
    expect(() => classifierScore([[1.5, -0.5]])).toThrow(/non-negative/);
    expect(() => classifierScore([[1, 0]], { splits: 2 })).toThrow(/options\.splits/);
  });
});
