import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DataError, Rng, withSeededRandom } from '@tfgen/core';
import { buildClassifierModel, classifierFromSerialized, serializeClassifier, wrapClassifier, CLASSIFIER_FEATURE_SIZE } from './classifier';

describe('classifier packaging', () => {
  it('round-trips weights through the shipped float16 form with the same predictions', () => {
    const model = withSeededRandom(new Rng(1), () => buildClassifierModel(10));
    const original = wrapClassifier(model, 10);
    const serialized = serializeClassifier(model, { name: 'test', numClasses: 10, testAccuracy: 0.5, trainedBy: 'unit test' });
    const restored = classifierFromSerialized(serialized);
    const images = tf.randomUniform([7, 28, 28, 1], -1, 1, 'float32', 3);
    const flat = tf.reshape(images, [7, 784]);
    tf.dispose([original.predict(images), restored.predict(images), restored.features(flat)]); // first calls build caches
    const before = tf.memory().numTensors;
    const p1 = original.predict(images);
    const p2 = restored.predict(images);
    const f2 = restored.features(flat);
    expect(p2.shape).toEqual([7, 10]);
    expect(f2.shape).toEqual([7, CLASSIFIER_FEATURE_SIZE]);
    const rowSums = tf.tidy(() => tf.sum(p2, 1).dataSync());
    for (const s of rowSums) expect(s).toBeCloseTo(1, 5);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(p1, p2))).dataSync()[0]);
    expect(diff).toBeLessThan(2e-3);
    tf.dispose([p1, p2, f2]);
    expect(tf.memory().numTensors).toBe(before);
    expect(restored.testAccuracy).toBe(0.5);
    tf.dispose([images, flat]);
    original.dispose();
    restored.dispose();
  });

  it('ships the batch-norm moving statistics, and dropout is off when classifying', () => {
    // trained with feature dropout 0.5; loads into the default build (dropout has no weights)
    const model = withSeededRandom(new Rng(4), () => buildClassifierModel(10, { featureDropout: 0.5 }));
    // Trained-looking statistics, far from the initial mean 0 / variance 1, so a lost one would show
    // (weight names get a numeric suffix per model built, hence includes()).
    const names = model.weights.map((w) => w.name);
    const stats = model.getWeights().map((w, i) =>
      names[i].includes('moving_mean') ? tf.randomUniform(w.shape, -2, 2, 'float32', 5)
        : names[i].includes('moving_variance') ? tf.randomUniform(w.shape, 0.2, 4, 'float32', 6) : tf.clone(w));
    model.setWeights(stats);
    const serialized = serializeClassifier(model, { name: 'test', numClasses: 10, testAccuracy: 0.5, trainedBy: 'unit test' });
    const restored = classifierFromSerialized(serialized);
    const restoredNames = restored.model.weights.map((w) => w.name);
    for (const stat of ['moving_mean', 'moving_variance']) {
      const original = stats[names.findIndex((n) => n.includes(stat))].dataSync();
      const back = restored.model.getWeights()[restoredNames.findIndex((n) => n.includes(stat))].dataSync();
      expect(back.length).toBe(64);
      back.forEach((v, i) => expect(Math.abs(v - original[i])).toBeLessThanOrEqual(Math.abs(original[i]) * 2 ** -11));
    }
    const images = tf.randomUniform([5, 28, 28, 1], -1, 1, 'float32', 7);
    const [a, b, c] = [wrapClassifier(model, 10).predict(images), restored.predict(images), restored.predict(images)];
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(b, c))).dataSync()[0])).toBe(0); // no dropout at inference
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])).toBeLessThan(2e-3);
    tf.dispose([...stats, images, a, b, c]);
    model.dispose();
    restored.dispose();
  });

  it('rejects truncated or mismatched weights and bad images', () => {
    const model = withSeededRandom(new Rng(2), () => buildClassifierModel(10));
    const serialized = serializeClassifier(model, { name: 'test', numClasses: 10, testAccuracy: 0.5, trainedBy: 'unit test' });
    expect(() => classifierFromSerialized({ ...serialized, data: serialized.data.slice(0, 400) })).toThrow(DataError);
    expect(() => classifierFromSerialized({ ...serialized, shapes: serialized.shapes.slice(1) })).toThrow(/shapes/);
    expect(() => buildClassifierModel(10, { featureDropout: 1 })).toThrow(/dropout\.featureDropout.*\[0, 1\).*1/);
    expect(() => buildClassifierModel(10, { convDropout: -0.1 })).toThrow(/dropout\.convDropout/);
    const wrapped = wrapClassifier(model, 10);
    const wrong = tf.zeros([2, 32, 32, 1]);
    expect(() => wrapped.predict(wrong)).toThrow(/\[n, 28, 28, 1\]/);
    wrong.dispose();
    wrapped.dispose();
  });
});
