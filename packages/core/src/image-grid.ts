import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, ShapeError, expectInteger, expectOneOf, expectRank } from './errors';

/** An RGBA image: `data` holds `width * height * 4` bytes, row-major (what PNG encoders and `ImageData` take). */
export interface ImageGrid {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Images per row. Default: `ceil(sqrt(count))`. */
  readonly columns?: number;
  /** Pixels between and around images. Default 1. */
  readonly padding?: number;
  /** Value range of the input; values outside are clipped. Default `[-1,1]` (tanh generators). */
  readonly range?: '[-1,1]' | '[0,1]';
  /** Padding colour, RGB 0-255. Default black. */
  readonly background?: readonly [number, number, number];
}

/**
 * Tiles a batch of NHWC images (1 channel: grayscale, 3: RGB) into one RGBA grid, for sample
 * sheets. Reads the tensor synchronously and does not dispose it.
 *
 * @example
 * const grid = imageGrid(generator.predict(z) as tf.Tensor4D, { columns: 8 }); // then encodePng(grid) in Node
 */
export function imageGrid(images: tf.Tensor, options: ImageGridOptions = {}): ImageGrid {
  if (!(images instanceof tf.Tensor)) throw new ArgumentError('images', 'a tf.Tensor of shape [count, height, width, channels]', images);
  expectRank(images, 'images', 4);
  return imageGridFromArray(images.dataSync(), images.shape as [number, number, number, number], options);
}

/** {@link imageGrid} over plain values in NHWC order (no tensors involved). */
export function imageGridFromArray(values: ArrayLike<number>, shape: readonly [number, number, number, number], options: ImageGridOptions = {}): ImageGrid {
  const [count, height, width, channels] = shape;
  if (shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d > 0)) throw new ShapeError('images', 'shape [count, height, width, channels] with positive sizes', [...shape]);
  if (channels !== 1 && channels !== 3) throw new ShapeError('images', '1 (grayscale) or 3 (RGB) channels', channels);
  if (values.length !== count * height * width * channels) throw new ShapeError('values', `${count * height * width * channels} values for shape [${shape.join(', ')}]`, values.length);
  const columns = expectInteger(options.columns ?? Math.ceil(Math.sqrt(count)), 'options.columns', 1);
  const padding = expectInteger(options.padding ?? 1, 'options.padding', 0);
  const range = expectOneOf(options.range ?? '[-1,1]', 'options.range', ['[-1,1]', '[0,1]'] as const);
  const background = options.background ?? [0, 0, 0];
  if (background.length !== 3 || !background.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) {
    throw new ArgumentError('options.background', 'three integers in [0, 255]', background);
  }
  const rows = Math.ceil(count / columns);
  const usedColumns = Math.min(columns, count);
  const gridWidth = usedColumns * width + (usedColumns + 1) * padding;
  const gridHeight = rows * height + (rows + 1) * padding;
  const data = new Uint8Array(gridWidth * gridHeight * 4);
  for (let p = 0; p < gridWidth * gridHeight; p++) {
    data[4 * p] = background[0];
    data[4 * p + 1] = background[1];
    data[4 * p + 2] = background[2];
    data[4 * p + 3] = 255;
  }
  const [low, high] = range === '[-1,1]' ? [-1, 1] : [0, 1];
  const toByte = (v: number) => (Number.isNaN(v) ? 0 : Math.round(((Math.min(high, Math.max(low, v)) - low) / (high - low)) * 255));
  for (let n = 0; n < count; n++) {
    const top = padding + Math.floor(n / columns) * (height + padding);
    const left = padding + (n % columns) * (width + padding);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const source = ((n * height + y) * width + x) * channels;
        const target = ((top + y) * gridWidth + left + x) * 4;
        if (channels === 1) {
          const v = toByte(values[source]);
          data[target] = v;
          data[target + 1] = v;
          data[target + 2] = v;
        } else {
          data[target] = toByte(values[source]);
          data[target + 1] = toByte(values[source + 1]);
          data[target + 2] = toByte(values[source + 2]);
        }
      }
    }
  }
  return { width: gridWidth, height: gridHeight, data };
}
