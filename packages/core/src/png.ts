import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import pngjs from 'pngjs';
import { ArgumentError } from './errors';
import { imageGrid, type ImageGrid, type ImageGridOptions } from './image-grid';

const { PNG } = pngjs;

/**
 * Encodes an RGBA grid as PNG bytes with pngjs (Node: it uses zlib, which is why this lives
 * in the node entry; in a browser draw `grid.data` into an `ImageData` instead).
 */
export function encodePng(grid: ImageGrid): Uint8Array {
  if (!grid || !Number.isInteger(grid.width) || !Number.isInteger(grid.height) || grid.width < 1 || grid.height < 1) {
    throw new ArgumentError('grid', '{ width, height, data } with positive integer sizes', grid);
  }
  if (!(grid.data instanceof Uint8Array) || grid.data.length !== grid.width * grid.height * 4) {
    throw new ArgumentError('grid.data', `${grid.width * grid.height * 4} RGBA bytes`, grid.data?.length);
  }
  const png = new PNG({ width: grid.width, height: grid.height, colorType: 6, inputColorType: 6, inputHasAlpha: true });
  png.data = Buffer.from(grid.data.buffer, grid.data.byteOffset, grid.data.byteLength);
  const buffer = PNG.sync.write(png);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Decodes PNG bytes to an RGBA grid (pngjs); used to check written images. */
export function decodePng(bytes: Uint8Array): ImageGrid {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}

/** Writes an RGBA grid as a PNG file (creating its directory). */
export function writePng(filePath: string, grid: ImageGrid): void {
  fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
  fs.writeFileSync(filePath, encodePng(grid));
}

/**
 * Tiles NHWC images into a grid and writes it as a PNG file.
 *
 * @example
 * writeImageGrid('samples/step-001000.png', images, { columns: 8, range: '[-1,1]' });
 */
export function writeImageGrid(filePath: string, images: tf.Tensor, options: ImageGridOptions = {}): ImageGrid {
  const grid = imageGrid(images, options);
  writePng(filePath, grid);
  return grid;
}
