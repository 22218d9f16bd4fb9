import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError, Rng } from '@tfgen/core';
import { fromImageData, imageToPixels } from './image-data';
import { resizeBilinear, rgbaToChannels } from './image-resize';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

describe('resizeBilinear', () => {
  it('is the identity at the same size and keeps constants constant', () => {
    const image = new Rng(1).uniformArray(5 * 7 * 3);
    expect(Array.from(resizeBilinear(image, 5, 7, 3, 5, 7))).toEqual(Array.from(image));
    const constant = new Float32Array(9 * 13 * 2).fill(0.25);
    for (const [h, w] of [[4, 4], [20, 3], [1, 1]]) {
      expect(maxDiff(resizeBilinear(constant, 9, 13, 2, h, w), new Float32Array(h * w * 2).fill(0.25))).toBeLessThan(1e-6);
    }
  });

  it('upscaling matches tf.image.resizeBilinear with half-pixel centres', () => {
    const image = new Rng(2).uniformArray(4 * 5 * 3);
    const ours = resizeBilinear(image, 4, 5, 3, 11, 9);
    const reference = tf.tidy(() =>
      tf.image.resizeBilinear(tf.tensor3d(image, [4, 5, 3]), [11, 9], false, true).dataSync(),
    );
    expect(maxDiff(ours, reference)).toBeLessThan(1e-5);
  });

  it('downscaling by 2 uses the antialiasing triangle filter: weights 1/8, 3/8, 3/8, 1/8', () => {
    const row = Float32Array.from([1, 2, 4, 8, 16, 32, 64, 128]);
    const out = resizeBilinear(row, 1, 8, 1, 1, 4);
    // Output 1 centres on source 3 (between pixels 2 and 3): taps 1..4.
    expect(out[1]).toBeCloseTo((2 + 3 * 4 + 3 * 8 + 16) / 8, 5);
    // Output 0 at the edge renormalizes over the valid taps 0..2: weights 3/8, 3/8, 1/8.
    expect(out[0]).toBeCloseTo((3 * 1 + 3 * 2 + 4) / 7, 5);
    // A linear ramp stays linear away from the edges.
    const ramp = Float32Array.from({ length: 32 }, (_, i) => i);
    const small = resizeBilinear(ramp, 1, 32, 1, 1, 8);
    for (let i = 1; i < 7; i++) expect(small[i]).toBeCloseTo(4 * i + 1.5, 4);
  });

  it('rejects mismatched sizes', () => {
    expect(() => resizeBilinear(new Float32Array(5), 2, 2, 1, 1, 1)).toThrow(/source: expected 4 values/);
    expect(() => resizeBilinear(new Float32Array(4), 2, 2, 1, 0, 1)).toThrow(ArgumentError);
  });
});

describe('image conversion', () => {
  const rgba = { width: 2, height: 1, data: Uint8Array.from([255, 0, 0, 255, 0, 0, 255, 10]) };

  it('rgbaToChannels: luma, RGB and RGBA', () => {
    expect(Array.from(rgbaToChannels(rgba, 1))).toEqual([0.299 * 255, 0.114 * 255].map(Math.fround));
    expect(Array.from(rgbaToChannels(rgba, 3))).toEqual([255, 0, 0, 0, 0, 255]);
    expect(Array.from(rgbaToChannels(rgba, 4))).toEqual([255, 0, 0, 255, 0, 0, 255, 10]);
    expect(() => rgbaToChannels({ width: 2, height: 2, data: new Uint8Array(3) }, 3)).toThrow(/image: expected an RGBA image/);
  });

  it('imageToPixels scales to the range; fromImageData builds a dataset', () => {
    expect(Array.from(imageToPixels(rgba, { height: 1, width: 2, channels: 3, scale: '[-1,1]' }))).toEqual([1, -1, -1, -1, -1, 1]);
    const data = fromImageData([rgba, rgba], { height: 2, width: 4, channels: 1, scale: '[0,1]' });
    expect(data.count).toBe(2);
    expect(data.shape).toEqual([2, 4, 1]);
    expect(data.labels).toBeUndefined();
    expect(data.pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(() => fromImageData([], { height: 2, width: 2 })).toThrow(/images: expected a non-empty array/);
    expect(() => fromImageData([rgba], { height: 2, width: 2, channels: 2 as 3 })).toThrow(/channels: expected 1, 3 or 4/);
  });
});
