import { DataError } from '@tfgen/core';
import { ImageDataset, parseIdx, pixelsFromBytes, type PixelScale } from '@tfgen/datasets';
import { DATASET_FILES, type ImageDatasetName } from './assets';

/** How {@link imageSubset} scales and binarizes the grey levels. */
export interface ImageSubsetOptions {
  /** `'[0,1]'` (VAE, PixelCNN) or `'[-1,1]'` (GANs with a tanh generator). */
  scale: PixelScale;
  /** `'dynamic'`: pixels are Bernoulli means, each batch draws 0/1 images (VAE, PixelCNN). Default `'none'`. */
  binarization?: 'none' | 'dynamic';
}

/**
 * Parses one of the app's IDX subsets (uint8 `[n, 28, 28]` images, `[n]` labels in 0..9) into a
 * dataset. Bad or mismatched files are a {@link DataError} naming the file.
 */
export function imageSubset(name: ImageDatasetName, imageBytes: Uint8Array, labelBytes: Uint8Array, options: ImageSubsetOptions): ImageDataset {
  const files = DATASET_FILES[name];
  if (!files) throw new DataError('dataset', `one of ${Object.keys(DATASET_FILES).join(', ')}`, name);
  const images = parseIdx(imageBytes, files.images);
  const labels = parseIdx(labelBytes, files.labels);
  if (images.dtype !== 'uint8' || images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28) {
    throw new DataError(files.images, 'uint8 images of shape [count, 28, 28]', `${images.dtype} [${images.shape.join(', ')}]`);
  }
  const count = images.shape[0];
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw new DataError(files.labels, `${count} uint8 labels`, `${labels.dtype} [${labels.shape.join(', ')}]`);
  }
  const ids = Int32Array.from(labels.data as Uint8Array);
  const bad = ids.findIndex((label) => label > 9);
  if (bad >= 0) throw new DataError(`${files.labels}[${bad}]`, 'a class label in 0..9', ids[bad]);
  const binarization = options.binarization ?? 'none';
  return new ImageDataset({
    name: `${name}-subset`,
    pixels: pixelsFromBytes(images.data as Uint8Array, options.scale, binarization, 0),
    shape: [28, 28, 1],
    labels: ids,
    numClasses: 10,
    valueRange: options.scale === '[0,1]' ? [0, 1] : [-1, 1],
    binarization,
  });
}
