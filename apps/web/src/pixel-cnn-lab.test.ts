import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, Rng } from '@tfgen/core';
import type { ImageDataset } from '@tfgen/datasets';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '@tfgen/core';
import { createPixelCnn } from '@tfgen/explicit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MNIST_FILES } from './assets';
import { imageSubset } from './image-subset';
import { savedFromJson, savedToJson } from './lab-store';
import { PixelCnnLab, PixelSampler, type SavedPixelCnn } from './pixel-cnn-lab';

const app = fileURLToPath(new URL('..', import.meta.url));
let mnist: ImageDataset;

// Conv training is ~10x faster on wasm (with core's conv-gradient kernels) than on the cpu backend.
beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
  execFileSync(process.execPath, [join(app, 'scripts/copy-datasets.mjs')]);
  const images = readFileSync(join(app, 'public', MNIST_FILES.images));
  const labels = readFileSync(join(app, 'public', MNIST_FILES.labels));
  mnist = imageSubset('mnist', images, labels, { scale: '[0,1]', binarization: 'dynamic' });
});

afterAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

describe('PixelCnnLab', () => {
  it('training lowers the NLL from about 784 ln 2 nats', () => {
    const lab = new PixelCnnLab(mnist, { seed: 2, layers: 1, filters: 4, batchSize: 4, learningRate: 3e-2 });
    try {
      const first = lab.train(1).loss;
      expect(Math.abs(first - 784 * Math.LN2)).toBeLessThan(80); // untrained: near p = 1/2 everywhere
      const last = lab.train(29).loss;
      expect(lab.step).toBe(30);
      expect(last).toBeLessThan(first - 150); // black background is learned first
    } finally {
      lab.dispose();
    }
  });

  it('the pixel-by-pixel sampler goes in raster order and ends with PixelCnn.generate\'s images; leaks nothing', () => {
    // A 6x6 model keeps the 36 forward passes cheap; the sampler works on any one-channel PixelCNN.
    const model = createPixelCnn({ imageShape: [6, 6, 1], layers: 2, filters: 6, seed: 3 });
    try {
      const tensors = tf.memory().numTensors;
      const sampler = new PixelSampler(model, 2, new Rng(11));
      const seen: number[] = [];
      let pixel = sampler.step();
      while (pixel) {
        seen.push(pixel.index);
        expect([pixel.row, pixel.column]).toEqual([Math.floor(pixel.index / 6), pixel.index % 6]);
        expect(pixel.values).toHaveLength(2);
        // Nothing after the drawn pixel is set yet.
        if (pixel.index === 20) expect(sampler.canvas.subarray(21, 36).every((v) => v === 0)).toBe(true);
        pixel = sampler.step();
      }
      expect(seen).toEqual(Array.from({ length: 36 }, (_, i) => i));
      expect(sampler.canvas.some((v) => v === 1)).toBe(true);
      expect(sampler.done).toBe(true);
      expect(tf.memory().numTensors).toBe(tensors);
      // Independent reference: the library's own sampling loop with the same random stream.
      const reference = model.generate(2, { rng: new Rng(11) });
      expect(Array.from(sampler.canvas)).toEqual(Array.from(reference.dataSync()));
      reference.dispose();
    } finally {
      model.dispose();
    }
  });

  it('save and load continue the run exactly (weights, Adam state, data order), through IndexedDB clones and JSON files; leaks nothing', async () => {
    const tensors = tf.memory().numTensors;
    const lab = new PixelCnnLab(mnist, { seed: 5, layers: 1, filters: 4, batchSize: 4, learningRate: 1e-2 });
    lab.train(3);
    const saved = await lab.save();
    expect(saved.step).toBe(3);
    const copy = await PixelCnnLab.load(mnist, structuredClone(saved));
    const fromFile = await PixelCnnLab.load(mnist, savedFromJson<SavedPixelCnn>(savedToJson(saved), { file: 'PixelCNN model file', format: 'tfgen-web-pixelcnn', version: 1, writtenBy: 'Download model' }));
    try {
      expect(copy.step).toBe(3);
      expect(copy.lastMetrics).toEqual(lab.lastMetrics);
      const next = lab.train(2);
      expect(copy.train(2)).toEqual(next);
      expect(fromFile.train(2)).toEqual(next);
      const weights = (run: PixelCnnLab) => run.model.stateVariables().map((v) => Array.from(v.read().dataSync()));
      expect(weights(copy)).toEqual(weights(lab));
      expect(weights(fromFile)).toEqual(weights(lab));
    } finally {
      fromFile.dispose();
      copy.dispose();
      lab.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    await expect(PixelCnnLab.load(mnist, { ...saved, format: 'tfgen-web-gan-images' } as never)).rejects.toThrow(/saved PixelCNN: expected a tfgen-web-pixelcnn run/);
    await expect(PixelCnnLab.load(mnist, { ...saved, variables: saved.variables.slice(1) })).rejects.toThrow(/saved PixelCNN/);
    expect(tf.memory().numTensors).toBe(tensors); // a failed load frees the half-built model
  });

  it('rejects data that is not binarized [0, 1] pixels', () => {
    const images = readFileSync(join(app, 'public', MNIST_FILES.images));
    const labels = readFileSync(join(app, 'public', MNIST_FILES.labels));
    expect(() => new PixelCnnLab(imageSubset('mnist', images, labels, { scale: '[-1,1]' }))).toThrow(ArgumentError);
    expect(() => new PixelCnnLab(mnist, { batchSize: 0 })).toThrow(/options.batchSize/);
  });
});
