import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@tfgen/core';
import { ImageDataset } from './image-dataset';
import { loadMnist } from './mnist';
import { stackedMnist } from './stacked-mnist';

describe('stackedMnist', () => {
  const mnist = loadMnist({ limit: 2000, scale: '[-1,1]' });

  it('stacks three MNIST digits as RGB channels, labelled 100 d1 + 10 d2 + d3', () => {
    const stacked = stackedMnist(mnist, { count: 500, seed: 1 });
    expect(stacked.shape).toEqual([28, 28, 3]);
    expect(stacked.count).toBe(500);
    expect(stacked.numClasses).toBe(1000);
    expect(stacked.valueRange).toEqual([-1, 1]);
    // Each channel must be an exact MNIST image whose label is the matching digit of the mode.
    const byPixels = new Map<string, number>();
    for (let i = 0; i < mnist.count; i++) byPixels.set(Array.from(mnist.image(i)).join(','), mnist.labels?.[i] ?? -1);
    for (let i = 0; i < 50; i++) {
      const image = stacked.image(i);
      const mode = stacked.labels?.[i] ?? -1;
      expect(mode).toBeGreaterThanOrEqual(0);
      expect(mode).toBeLessThan(1000);
      const digits = [Math.floor(mode / 100), Math.floor(mode / 10) % 10, mode % 10];
      for (let channel = 0; channel < 3; channel++) {
        const plane = Array.from({ length: 784 }, (_, p) => image[3 * p + channel]).join(',');
        expect(byPixels.get(plane)).toBe(digits[channel]);
      }
    }
  });

  it('covers the 1000 modes about uniformly and is reproducible from the seed', () => {
    const stacked = stackedMnist(mnist, { count: 20000, seed: 2 });
    const counts = new Array(1000).fill(0);
    for (const mode of stacked.labels ?? []) counts[mode]++;
    // 20 expected per mode; with digit frequencies of ~0.1 each, all 1000 modes appear.
    expect(counts.filter((c) => c > 0).length).toBe(1000);
    const again = stackedMnist(mnist, { count: 30, seed: 2 });
    expect(Array.from(again.labels ?? [])).toEqual(Array.from(stacked.labels ?? []).slice(0, 30));
  });

  it('refuses datasets without labels or with several channels', () => {
    const unlabeled = new ImageDataset({ pixels: new Float32Array(784), shape: [28, 28, 1] });
    expect(() => stackedMnist(unlabeled, { count: 1 })).toThrow(ArgumentError);
    expect(() => stackedMnist(unlabeled, { count: 1 })).toThrow(/mnist: expected a dataset with digit labels 0\.\.9, got "no labels"/);
    const rgb = new ImageDataset({ pixels: new Float32Array(12), shape: [2, 2, 3], labels: Int32Array.from([1]) });
    expect(() => stackedMnist(rgb, { count: 1 })).toThrow(/single-channel images/);
    expect(() => stackedMnist(mnist, { count: 0 })).toThrow(/count: expected an integer >= 1/);
  });
});
