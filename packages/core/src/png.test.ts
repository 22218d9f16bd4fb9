import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { imageGrid } from './image-grid';
import { decodePng, encodePng, writeImageGrid } from './png';

describe('PNG encoding', () => {
  it('round-trips an RGBA grid through pngjs byte for byte', () => {
    const data = Uint8Array.from({ length: 7 * 5 * 4 }, (_, i) => (i * 37) % 256);
    const bytes = encodePng({ width: 7, height: 5, data });
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const decoded = decodePng(bytes);
    expect([decoded.width, decoded.height]).toEqual([7, 5]);
    expect(Array.from(decoded.data)).toEqual(Array.from(data));
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(3) })).toThrow(/grid.data: expected 16 RGBA bytes, got 3/);
  });

  it('writes a tensor grid file whose decoded pixels are the images', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-png-')), 'sub', 'grid.png');
    // Two 2x2 RGB images: pure red and pure blue, in [-1, 1].
    const images = tf.tensor4d([1, -1, -1, 1, -1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, 1, -1, -1, 1, -1, -1, 1], [2, 2, 2, 3]);
    const grid = writeImageGrid(file, images, { columns: 2, padding: 1, background: [255, 255, 255] });
    const png = pngjs.PNG.sync.read(fs.readFileSync(file));
    expect([png.width, png.height]).toEqual([7, 4]);
    const pixel = (x: number, y: number) => Array.from(png.data.subarray((y * 7 + x) * 4, (y * 7 + x) * 4 + 4));
    expect(pixel(0, 0)).toEqual([255, 255, 255, 255]); // padding
    expect(pixel(1, 1)).toEqual([255, 0, 0, 255]);
    expect(pixel(2, 2)).toEqual([255, 0, 0, 255]);
    expect(pixel(3, 1)).toEqual([255, 255, 255, 255]);
    expect(pixel(4, 1)).toEqual([0, 0, 255, 255]);
    expect(pixel(5, 2)).toEqual([0, 0, 255, 255]);
    expect(Array.from(png.data)).toEqual(Array.from(imageGrid(images, { columns: 2, padding: 1, background: [255, 255, 255] }).data));
    expect(grid.width).toBe(7);
    images.dispose();
  });
});
