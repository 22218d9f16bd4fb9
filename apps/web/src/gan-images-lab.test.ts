import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DataError, Rng } from '@tfgen/core';
import type { ImageDataset } from '@tfgen/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_FILES } from './assets';
import { GRID_COLUMNS, GanImagesLab, checkGanImagesSettings, type GanImagesSettings } from './gan-images-lab';
import { imageSubset } from './image-subset';
import { savedFromJson, savedToJson } from './lab-store';

const app = fileURLToPath(new URL('..', import.meta.url));
let fashion: ImageDataset;
let imageBytes: Uint8Array;
let labelBytes: Uint8Array;
/** Tiny networks: the test checks the wiring and the numbers, not image quality (cpu backend). */
const TINY: GanImagesSettings = { model: 'dcgan', dataset: 'fashion-mnist', seed: 3, width: 4, batchSize: 8, latentDim: 8, learningRate: 1e-3 };

beforeAll(() => {
  execFileSync(process.execPath, [join(app, 'scripts/copy-datasets.mjs')]);
  imageBytes = readFileSync(join(app, 'public', FASHION_MNIST_FILES.images));
  labelBytes = readFileSync(join(app, 'public', FASHION_MNIST_FILES.labels));
  fashion = imageSubset('fashion-mnist', imageBytes, labelBytes, { scale: '[-1,1]' });
});

describe('Fashion-MNIST subset asset', () => {
  it('holds 200 images per class, interleaved by label, equal to the fashion-mnist package records', () => {
    expect(Buffer.from(imageBytes).readUInt32BE(0)).toBe(0x0803);
    expect(Buffer.from(imageBytes).readUInt32BE(4)).toBe(2000);
    expect(imageBytes.length).toBe(16 + 2000 * 784);
    expect(Array.from(labelBytes.subarray(8, 28))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Independent reference: JSON.parse of the whole class file; image 10k+c is class c's k-th non-empty record.
    const clothes = join(dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json')), 'src', 'clothes');
    for (const label of [3, 7]) {
      const records = (JSON.parse(readFileSync(join(clothes, `${label}.json`), 'utf8')) as { data: number[][] }).data.filter((r) => r.length > 0);
      for (const k of [0, 199]) {
        const at = 16 + (10 * k + label) * 784;
        expect(Array.from(imageBytes.subarray(at, at + 784))).toEqual(records[k]);
      }
    }
    expect(fashion.count).toBe(2000);
    expect(fashion.valueRange).toEqual([-1, 1]);
    expect(() => imageSubset('fashion-mnist', imageBytes.subarray(0, 5000), labelBytes, { scale: '[-1,1]' })).toThrow(DataError);
  });
});

describe('GanImagesLab', () => {
  it('DCGAN: trains, changes its fixed-latent grid, leaks no tensors', () => {
    const lab = new GanImagesLab(fashion, TINY);
    try {
      const before = lab.view();
      // 8 x 8 samples of 28 px with 2 px padding around and between.
      expect([before.grid.width, before.grid.height]).toEqual([8 * 28 + 9 * 2, 8 * 28 + 9 * 2]);
      expect(lab.view().grid.data).toEqual(before.grid.data); // fixed latents: no training, same grid
      lab.train(1); // creates Adam's slots
      const tensors = tf.memory().numTensors;
      const metrics = lab.train(2);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(Number.isFinite(metrics['loss/discriminator'])).toBe(true);
      const after = lab.view();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(after.step).toBe(3);
      expect(after.history.map((h) => h.step)).toEqual([1, 2, 3]);
      expect(after.grid.data).not.toEqual(before.grid.data);
    } finally {
      lab.dispose();
    }
  });

  it('cGAN: the grid has one row per class, row r generated with label r from the fixed latents', () => {
    const lab = new GanImagesLab(fashion, { ...TINY, model: 'cgan' });
    try {
      lab.train(1);
      const view = lab.view();
      expect([view.rows, view.columns]).toEqual([10, GRID_COLUMNS]);
      expect(view.grid.height).toBe(10 * 28 + 11 * 2);
      // Independent reference: G([z, label]) on the same latent stream, labels 0..9 by row.
      const count = 10 * GRID_COLUMNS;
      const reference = tf.tidy(() => {
        const z = tf.tensor2d(new Rng(TINY.seed).fork('grid-latents').normalArray(count * TINY.latentDim), [count, TINY.latentDim]);
        const labels = tf.tensor2d(Array.from({ length: count }, (_, i) => Math.floor(i / GRID_COLUMNS)), [count, 1]);
        return Array.from((lab.generator.predict([z, labels]) as tf.Tensor).dataSync());
      });
      const samples = lab.samples();
      const got = Array.from(samples.dataSync());
      samples.dispose();
      got.forEach((v, i) => expect(Math.abs(v - reference[i])).toBeLessThan(1e-5));
      // Changing only the label changes the image: the rows really are class-conditioned.
      const swapped = tf.tidy(() => {
        const z = tf.tensor2d(new Rng(TINY.seed).fork('grid-latents').normalArray(TINY.latentDim), [1, TINY.latentDim]);
        return Array.from((lab.generator.predict([z, tf.tensor2d([5], [1, 1])]) as tf.Tensor).dataSync());
      });
      // (The same computation is bit-identical on cpu, so any difference comes from the label.)
      expect(swapped).not.toEqual(reference.slice(0, 784));
    } finally {
      lab.dispose();
    }
  });

  it('save and load continue the run exactly (weights, Adam state, data order, random streams), also through a JSON file', async () => {
    const tensors = tf.memory().numTensors;
    const lab = new GanImagesLab(fashion, { ...TINY, model: 'cgan' });
    lab.train(2);
    const saved = await lab.save();
    // IndexedDB keeps the record as a structured clone; "Download model" writes JSON text.
    const copy = await GanImagesLab.load(fashion, structuredClone(saved));
    const text = savedToJson(saved);
    const fromFile = await GanImagesLab.load(fashion, savedFromJson<typeof saved>(text, { file: 'GAN model file', format: 'tfgen-web-gan-images', version: 1, writtenBy: 'Download model' }));
    try {
      expect(copy.step).toBe(2);
      expect(fromFile.step).toBe(2);
      lab.train(2);
      copy.train(2);
      fromFile.train(2);
      expect(copy.view().grid.data).toEqual(lab.view().grid.data);
      expect(copy.view().metrics).toEqual(lab.view().metrics);
      expect(fromFile.view().grid.data).toEqual(lab.view().grid.data);
      expect(fromFile.view().metrics).toEqual(lab.view().metrics);
    } finally {
      fromFile.dispose();
      copy.dispose();
      lab.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors); // both runs freed everything they made
    await expect(GanImagesLab.load(fashion, { ...saved, format: 'other' } as never)).rejects.toThrow(/tfgen-web-gan-images/);
  });

  it('rejects bad settings and data with errors naming the field', () => {
    expect(() => checkGanImagesSettings({ ...TINY, model: 'stylegan' })).toThrow(/model.*"dcgan".*stylegan/s);
    expect(() => checkGanImagesSettings({ ...TINY, batchSize: 1 })).toThrow(ArgumentError);
    expect(() => checkGanImagesSettings({ ...TINY, learningRate: 0 })).toThrow(/learningRate/);
    const unit = imageSubset('fashion-mnist', imageBytes, labelBytes, { scale: '[0,1]' });
    expect(() => new GanImagesLab(unit, TINY)).toThrow(/data.valueRange/);
    expect(() => new GanImagesLab(fashion, { ...TINY, batchSize: 4000 })).toThrow(/batchSize/);
  });
});
