import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { stackedMnistModes, type DigitClassifier } from './stacked-mnist-modes';

/**
 * A transparent reference classifier for the counting logic: an image's class is round(mean
 * pixel * 10) clipped to 0..9, so test images can be built to carry any digit triple.
 */
const meanLevel: DigitClassifier = {
  predict: (images) =>
    tf.tidy(() => {
      const level = tf.clipByValue(tf.round(tf.mul(tf.mean(images, [1, 2, 3]), 10)), 0, 9);
      return tf.cast(tf.oneHot(tf.cast(level, 'int32'), 10), 'float32') as tf.Tensor2D;
    }),
};

function imagesWithTriples(triples: number[][]): tf.Tensor4D {
  const values = new Float32Array(triples.length * 28 * 28 * 3);
  triples.forEach((t, i) => {
    for (let p = 0; p < 28 * 28; p++) for (let c = 0; c < 3; c++) values[(i * 28 * 28 + p) * 3 + c] = t[c] / 10;
  });
  return tf.tensor4d(values, [triples.length, 28, 28, 3]);
}

describe('stackedMnistModes', () => {
  it('counts distinct digit triples and the KL to uniform over 1000 modes', () => {
    const triples = [[1, 2, 3], [1, 2, 3], [9, 0, 0], [0, 0, 7]];
    const images = imagesWithTriples(triples);
    const before = tf.memory().numTensors;
    const result = stackedMnistModes(images, meanLevel, { batchSize: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.modesCovered).toBe(3);
    expect(result.perMode[123]).toBe(2);
    expect(result.perMode[900]).toBe(1);
    expect(result.perMode[7]).toBe(1);
    expect(result.sampleCount).toBe(4);
    // q = (1/2, 1/4, 1/4): KL(q || 1/1000) = sum q ln(1000 q)
    const expected = 0.5 * Math.log(500) + 2 * 0.25 * Math.log(250);
    expect(result.reverseKl).toBeCloseTo(expected, 10);
    images.dispose();
  });

  it('gives all 1000 modes and KL 0 when every triple appears once', () => {
    const triples = Array.from({ length: 1000 }, (_, m) => [Math.floor(m / 100), Math.floor(m / 10) % 10, m % 10]);
    const images = imagesWithTriples(triples);
    const result = stackedMnistModes(images, meanLevel);
    expect(result.modesCovered).toBe(1000);
    expect(result.reverseKl).toBeCloseTo(0, 10);
    images.dispose();
  });

  it('rejects images that are not stacked digits', () => {
    const grey = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    expect(() => stackedMnistModes(grey, meanLevel)).toThrow(/\[n, 28, 28, 3\]/);
    grey.dispose();
  });
});
