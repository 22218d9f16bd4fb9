import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ShapeError } from './errors';
import { imageGrid, imageGridFromArray } from './image-grid';

/** Independent reference: the RGBA of grid pixel (gx, gy), computed pixel by pixel. */
function referencePixel(values: Float32Array, [n, h, w, c]: number[], columns: number, padding: number, low: number, high: number, gx: number, gy: number): number[] {
  const cellX = Math.floor((gx - padding) / (w + padding));
  const cellY = Math.floor((gy - padding) / (h + padding));
  const x = gx - padding - cellX * (w + padding);
  const y = gy - padding - cellY * (h + padding);
  const index = cellY * columns + cellX;
  if (gx < padding || gy < padding || x >= w || y >= h || cellX >= columns || index >= n) return [0, 0, 0, 255];
  const byte = (v: number) => Math.round(((Math.min(high, Math.max(low, v)) - low) / (high - low)) * 255);
  const base = ((index * h + y) * w + x) * c;
  return c === 1 ? [byte(values[base]), byte(values[base]), byte(values[base]), 255] : [byte(values[base]), byte(values[base + 1]), byte(values[base + 2]), 255];
}

describe('imageGrid', () => {
  for (const [channels, range] of [[1, '[-1,1]'], [3, '[0,1]']] as const) {
    it(`tiles ${channels}-channel images in ${range} exactly like a pixel-by-pixel reference`, () => {
      const shape = [5, 3, 4, channels];
      const values = Float32Array.from({ length: 5 * 3 * 4 * channels }, (_, i) => Math.sin(i * 1.7) * 1.3); // some out of range
      const images = tf.tensor4d(values, shape as [number, number, number, number]);
      const before = tf.memory().numTensors;
      const grid = imageGrid(images, { columns: 3, padding: 2, range });
      expect(tf.memory().numTensors).toBe(before);
      expect(grid.width).toBe(3 * 4 + 4 * 2);
      expect(grid.height).toBe(2 * 3 + 3 * 2);
      const [low, high] = range === '[-1,1]' ? [-1, 1] : [0, 1];
      for (let gy = 0; gy < grid.height; gy++) {
        for (let gx = 0; gx < grid.width; gx++) {
          const at = (gy * grid.width + gx) * 4;
          expect([gx, gy, ...grid.data.subarray(at, at + 4)]).toEqual([gx, gy, ...referencePixel(values, shape, 3, 2, low, high, gx, gy)]);
        }
      }
      images.dispose();
    });
  }

  it('maps range ends to 0 and 255, clips, and defaults to a square-ish layout', () => {
    const grid = imageGridFromArray([-1, 0, 1, 5], [4, 1, 1, 1], { padding: 0 });
    expect([grid.width, grid.height]).toEqual([2, 2]);
    expect(Array.from(grid.data.filter((_, i) => i % 4 === 0))).toEqual([0, 128, 255, 255]);
  });

  it('rejects bad shapes and options with named errors', () => {
    const twoChannels = tf.zeros([1, 2, 2, 2]);
    expect(() => imageGrid(twoChannels)).toThrow(ShapeError);
    expect(() => imageGrid(twoChannels)).toThrow(/images: expected 1 \(grayscale\) or 3 \(RGB\) channels, got 2/);
    const rank3 = tf.zeros([2, 2, 1]);
    expect(() => imageGrid(rank3)).toThrow(/images: expected rank 4, got "rank 3/);
    expect(() => imageGridFromArray([0], [1, 1, 1, 1], { range: '0..1' as never })).toThrow(/options.range: expected one of "\[-1,1\]", "\[0,1\]", got "0..1"/);
    expect(() => imageGridFromArray([0, 1], [1, 1, 1, 1])).toThrow(/values: expected 1 values/);
    tf.dispose([twoChannels, rank3]);
  });
});
