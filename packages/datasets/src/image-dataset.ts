import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  DataError,
  Rng,
  expectInteger,
  expectOneOf,
  type Batch,
  type BatchIterator,
  type JsonValue,
  type RngState,
} from '@tfgen/core';
import { expectSameField, readState, toSeed, type SeedLike } from './seed';

/** How pixel values are binarized: not at all, once with a fixed seed, or freshly for every batch. */
export type Binarization = 'none' | 'static' | 'dynamic';

/** What an {@link ImageDataset} is made of. */
export interface ImageDatasetInit {
  /** Short name, e.g. `mnist/train`. */
  name?: string;
  /** Pixels, NHWC row-major, `count * h * w * c` values. For `binarization: 'dynamic'`, Bernoulli probabilities in [0, 1]. */
  pixels: Float32Array;
  /** `[height, width, channels]` of one image. */
  shape: readonly [number, number, number];
  /** One int32 class id per image (optional). */
  labels?: Int32Array;
  /** Number of classes the labels range over (default: max label + 1). */
  numClasses?: number;
  /** The range pixel values live in, e.g. `[-1, 1]` (default `[0, 1]`); binarized pixels take its two ends. */
  valueRange?: readonly [number, number];
  /** Default `'none'`. With `'dynamic'`, each batch draws pixels ~ Bernoulli(pixels) mapped to the range ends. */
  binarization?: Binarization;
}

/** Options of {@link ImageDataset.batches}. */
export interface ImageBatchOptions {
  batchSize: number;
  /** Seed of the per-epoch shuffles and dynamic binarization (default 0). */
  seed?: SeedLike;
  /** Reshuffle every epoch (default true); false walks the images in order. */
  shuffle?: boolean;
  /** Drop the last, smaller batch of an epoch (default true), so every batch has `batchSize` images. */
  dropRemainder?: boolean;
  /** Put int32 labels in `batch.y` (default false). */
  withLabels?: boolean;
}

/**
 * An in-memory image dataset: NHWC Float32 pixels plus optional int32 labels.
 * Every loader in this package returns one; build your own from any pixels.
 *
 * @example
 * const data = new ImageDataset({ pixels, shape: [28, 28, 1], labels, valueRange: [-1, 1] });
 * const it = data.batches({ batchSize: 64, seed: 1, withLabels: true });
 * const { x, y } = it.next(); // x: [64, 28, 28, 1], y: [64] int32; dispose both when done
 */
export class ImageDataset {
  readonly name: string;
  readonly pixels: Float32Array;
  readonly labels?: Int32Array;
  readonly shape: readonly [number, number, number];
  readonly count: number;
  readonly numClasses?: number;
  readonly valueRange: readonly [number, number];
  readonly binarization: Binarization;

  constructor(init: ImageDatasetInit) {
    const name = init.name ?? 'images';
    const shape = init.shape;
    if (!Array.isArray(shape) || shape.length !== 3) throw new ArgumentError('shape', '[height, width, channels]', shape);
    shape.forEach((size, i) => expectInteger(size, `shape[${i}]`, 1));
    if (!(init.pixels instanceof Float32Array)) throw new ArgumentError('pixels', 'a Float32Array', init.pixels);
    const imageSize = shape[0] * shape[1] * shape[2];
    if (init.pixels.length % imageSize !== 0) {
      throw new DataError(`${name}: pixels`, `a multiple of ${imageSize} values (${shape.join('x')} images)`, `${init.pixels.length} values`);
    }
    const count = init.pixels.length / imageSize;
    const valueRange = init.valueRange ?? [0, 1];
    if (!(valueRange[0] < valueRange[1])) throw new ArgumentError('valueRange', '[low, high] with low < high', valueRange);
    const binarization = expectOneOf(init.binarization ?? 'none', 'binarization', ['none', 'static', 'dynamic'] as const);
    if (binarization === 'dynamic') {
      for (let i = 0; i < init.pixels.length; i++) {
        const p = init.pixels[i];
        if (!(p >= 0 && p <= 1)) throw new DataError(`${name}: pixels[${i}]`, 'a probability in [0, 1] for dynamic binarization', p);
      }
    }
    let numClasses = init.numClasses;
    if (init.labels !== undefined) {
      if (!(init.labels instanceof Int32Array)) throw new ArgumentError('labels', 'an Int32Array', init.labels);
      if (init.labels.length !== count) throw new DataError(`${name}: labels`, `${count} labels (one per image)`, `${init.labels.length} labels`);
      let max = -1;
      for (let i = 0; i < count; i++) {
        const label = init.labels[i];
        if (label < 0) throw new DataError(`${name}: labels[${i}]`, 'a class id >= 0', label);
        if (label > max) max = label;
      }
      if (numClasses === undefined) numClasses = max + 1;
      else if (max >= expectInteger(numClasses, 'numClasses', 1)) {
        throw new DataError(`${name}: labels`, `class ids below numClasses = ${numClasses}`, max);
      }
    }
    this.name = name;
    this.pixels = init.pixels;
    this.labels = init.labels;
    this.shape = [shape[0], shape[1], shape[2]];
    this.count = count;
    this.numClasses = numClasses;
    this.valueRange = [valueRange[0], valueRange[1]];
    this.binarization = binarization;
  }

  /** Values per image (`h * w * c`). */
  get imageSize(): number {
    return this.shape[0] * this.shape[1] * this.shape[2];
  }

  /** The pixels of image `index` (a view, not a copy). */
  image(index: number): Float32Array {
    expectInteger(index, 'index', 0, this.count - 1);
    return this.pixels.subarray(index * this.imageSize, (index + 1) * this.imageSize);
  }

  /** The first `n` images (and labels) as a new dataset sharing the same memory. */
  take(n: number): ImageDataset {
    expectInteger(n, 'n', 1, this.count);
    return new ImageDataset({
      name: this.name,
      pixels: this.pixels.subarray(0, n * this.imageSize),
      shape: this.shape,
      labels: this.labels?.subarray(0, n),
      numClasses: this.numClasses,
      valueRange: this.valueRange,
      binarization: this.binarization,
    });
  }

  /**
   * Images `start .. start + count - 1` as one `[count, h, w, c]` tensor (the caller disposes it).
   * For a dynamically binarized dataset this is the expected image (probabilities mapped to the range).
   */
  toTensor(start = 0, count = this.count - start): tf.Tensor4D {
    expectInteger(start, 'start', 0, this.count - 1);
    expectInteger(count, 'count', 1, this.count - start);
    const values = this.pixels.slice(start * this.imageSize, (start + count) * this.imageSize);
    if (this.binarization === 'dynamic') {
      const [low, high] = this.valueRange;
      for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * values[i];
    }
    return tf.tensor4d(values, [count, ...this.shape]);
  }

  /** Labels `start .. start + count - 1` as an int32 tensor; throws if the dataset has none. */
  labelsTensor(start = 0, count = this.count - start): tf.Tensor1D {
    if (!this.labels) throw new ArgumentError('labels', `a dataset with labels (${this.name} has none)`, undefined);
    expectInteger(start, 'start', 0, this.count - 1);
    expectInteger(count, 'count', 1, this.count - start);
    return tf.tensor1d(this.labels.slice(start, start + count), 'int32');
  }

  /** A seeded, resumable iterator over shuffled batches (see {@link ImageBatchIterator}). */
  batches(options: ImageBatchOptions): ImageBatchIterator {
    return new ImageBatchIterator(this, options);
  }
}

/**
 * Batches of an {@link ImageDataset}: a fresh seeded shuffle every epoch, optional labels,
 * dynamic binarization, and a JSON state so a resumed run sees the same batches.
 * It runs forever; `epoch` and `position` tell where it is. Each `next()` creates only the
 * returned tensors, which the caller disposes.
 */
export class ImageBatchIterator implements BatchIterator {
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  readonly shuffle: boolean;
  readonly dropRemainder: boolean;
  readonly withLabels: boolean;
  private readonly seed: number | string;
  private epochIndex = 0;
  private positionInEpoch = 0;
  private order: Int32Array | null = null;
  private orderEpoch = -1;
  private binarizeRng: Rng;

  constructor(
    private readonly dataset: ImageDataset,
    options: ImageBatchOptions,
  ) {
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an options object with batchSize', options);
    this.batchSize = expectInteger(options.batchSize, 'batchSize', 1);
    this.seed = toSeed(options.seed);
    this.shuffle = options.shuffle ?? true;
    this.dropRemainder = options.dropRemainder ?? true;
    this.withLabels = options.withLabels ?? false;
    if (this.withLabels && !dataset.labels) {
      throw new ArgumentError('withLabels', `false (${dataset.name} has no labels)`, true);
    }
    if (this.dropRemainder && dataset.count < this.batchSize) {
      throw new ArgumentError('batchSize', `at most ${dataset.count} (the dataset size) with dropRemainder`, this.batchSize);
    }
    this.batchesPerEpoch = this.dropRemainder
      ? Math.floor(dataset.count / this.batchSize)
      : Math.ceil(dataset.count / this.batchSize);
    this.binarizeRng = new Rng(this.seed).fork('binarize');
  }

  /** Zero-based epoch of the next batch. */
  get epoch(): number {
    return this.epochIndex;
  }

  /** Zero-based index of the next batch within its epoch. */
  get position(): number {
    return this.positionInEpoch;
  }

  /** The dataset indices in the order epoch `epoch` visits them. */
  epochOrder(epoch: number): Int32Array {
    expectInteger(epoch, 'epoch', 0);
    if (this.orderEpoch === epoch && this.order) return this.order;
    const order = this.shuffle
      ? new Rng(this.seed).fork(`epoch ${epoch}`).permutation(this.dataset.count)
      : Int32Array.from({ length: this.dataset.count }, (_, i) => i);
    this.order = order;
    this.orderEpoch = epoch;
    return order;
  }

  /** The next batch (`x`, and `y` when labels were asked for); the caller disposes its tensors. */
  next(): Batch {
    const order = this.epochOrder(this.epochIndex);
    const start = this.positionInEpoch * this.batchSize;
    const size = Math.min(this.batchSize, this.dataset.count - start);
    const imageSize = this.dataset.imageSize;
    const pixels = this.dataset.pixels;
    const values = new Float32Array(size * imageSize);
    for (let i = 0; i < size; i++) {
      const index = order[start + i];
      values.set(pixels.subarray(index * imageSize, (index + 1) * imageSize), i * imageSize);
    }
    if (this.dataset.binarization === 'dynamic') {
      const [low, high] = this.dataset.valueRange;
      const rng = this.binarizeRng;
      for (let i = 0; i < values.length; i++) values[i] = rng.next() < values[i] ? high : low;
    }
    let labels: Int32Array | undefined;
    if (this.withLabels) {
      labels = new Int32Array(size);
      const source = this.dataset.labels as Int32Array;
      for (let i = 0; i < size; i++) labels[i] = source[order[start + i]];
    }
    this.positionInEpoch++;
    if (this.positionInEpoch >= this.batchesPerEpoch) {
      this.positionInEpoch = 0;
      this.epochIndex++;
    }
    const x = tf.tensor4d(values, [size, ...this.dataset.shape]);
    return labels ? { x, y: tf.tensor1d(labels, 'int32') } : { x };
  }

  /** Epoch, position and binarization stream as JSON, for checkpoints. */
  getState(): JsonValue {
    return {
      kind: 'image-batches',
      dataset: this.dataset.name,
      count: this.dataset.count,
      batchSize: this.batchSize,
      shuffle: this.shuffle,
      dropRemainder: this.dropRemainder,
      seed: this.seed,
      epoch: this.epochIndex,
      position: this.positionInEpoch,
      binarizeRng: [...this.binarizeRng.getState()],
    };
  }

  /** Restores a state from {@link ImageBatchIterator.getState}; a malformed state is a named error. */
  setState(state: JsonValue): void {
    const saved = readState(state, 'image-batches');
    expectSameField(saved, 'count', this.dataset.count);
    expectSameField(saved, 'batchSize', this.batchSize);
    expectSameField(saved, 'shuffle', this.shuffle);
    expectSameField(saved, 'dropRemainder', this.dropRemainder);
    expectSameField(saved, 'seed', this.seed);
    const epoch = expectInteger(saved.epoch, 'state.epoch', 0);
    const position = expectInteger(saved.position, 'state.position', 0, this.batchesPerEpoch - 1);
    this.binarizeRng.setState(saved.binarizeRng as unknown as RngState);
    this.epochIndex = epoch;
    this.positionInEpoch = position;
  }
}

/** Maps raw 8-bit intensities to the chosen value range. */
export type PixelScale = '[0,1]' | '[-1,1]';

/** The value range of a {@link PixelScale}. */
export function scaleRange(scale: PixelScale): readonly [number, number] {
  return expectOneOf(scale, 'scale', ['[0,1]', '[-1,1]'] as const) === '[0,1]' ? [0, 1] : [-1, 1];
}

/**
 * Turns 8-bit intensities into dataset pixels: scaled to `scale`, or binarized.
 * `'static'` draws each pixel once ~ Bernoulli(intensity / 255) from `seed` (the usual
 * "stochastically binarized MNIST"); `'dynamic'` keeps the probabilities for per-batch draws.
 */
export function pixelsFromBytes(
  bytes: ArrayLike<number>,
  scale: PixelScale,
  binarization: Binarization = 'none',
  seed: SeedLike = 0,
): Float32Array {
  const [low, high] = scaleRange(scale);
  expectOneOf(binarization, 'binarize', ['none', 'static', 'dynamic'] as const);
  const out = new Float32Array(bytes.length);
  if (binarization === 'dynamic') {
    for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  } else if (binarization === 'static') {
    const rng = new Rng(toSeed(seed)).fork('static binarization');
    for (let i = 0; i < bytes.length; i++) out[i] = rng.next() < bytes[i] / 255 ? high : low;
  } else {
    for (let i = 0; i < bytes.length; i++) out[i] = low + ((high - low) * bytes[i]) / 255;
  }
  return out;
}
