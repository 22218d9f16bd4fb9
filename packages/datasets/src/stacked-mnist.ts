import { ArgumentError, expectInteger } from '@tfgen/core';
import { ImageDataset } from './image-dataset';
import { toRng, type SeedLike } from './seed';

/**
 * Stacked MNIST (VEEGAN, PacGAN): each image stacks three random MNIST digits as its
 * R, G and B channels, giving 1000 modes. The label is the mode, `100 * d1 + 10 * d2 + d3`
 * (R, G, B digits). Digits are drawn uniformly and independently from `mnist`.
 *
 * @example
 * const stacked = stackedMnist(loadMnist({ limit: 10000 }), { count: 25600, seed: 0 });
 * stacked.shape; // [28, 28, 3]
 */
export function stackedMnist(mnist: ImageDataset, options: { count: number; seed?: SeedLike }): ImageDataset {
  if (!(mnist instanceof ImageDataset)) throw new ArgumentError('mnist', 'an ImageDataset (e.g. from loadMnist)', mnist);
  if (mnist.shape[2] !== 1) throw new ArgumentError('mnist', 'single-channel images', `images of shape [${mnist.shape.join(', ')}]`);
  if (!mnist.labels || (mnist.numClasses ?? 0) > 10) {
    throw new ArgumentError('mnist', 'a dataset with digit labels 0..9', mnist.labels ? `${mnist.numClasses} classes` : 'no labels');
  }
  if (mnist.binarization === 'dynamic') {
    throw new ArgumentError('mnist', 'grey-level or statically binarized images', 'dynamic binarization');
  }
  const count = expectInteger(options?.count, 'count', 1);
  const rng = toRng(options.seed);
  const [height, width] = mnist.shape;
  const plane = height * width;
  const pixels = new Float32Array(count * plane * 3);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let mode = 0;
    for (let channel = 0; channel < 3; channel++) {
      const index = rng.int(mnist.count);
      mode = mode * 10 + mnist.labels[index];
      const source = mnist.pixels.subarray(index * plane, (index + 1) * plane);
      const base = i * plane * 3 + channel;
      for (let p = 0; p < plane; p++) pixels[base + 3 * p] = source[p];
    }
    labels[i] = mode;
  }
  return new ImageDataset({
    name: `stacked-${mnist.name}`,
    pixels,
    shape: [height, width, 3],
    labels,
    numClasses: 1000,
    valueRange: mnist.valueRange,
    binarization: mnist.binarization,
  });
}
