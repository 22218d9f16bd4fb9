import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import {
  ArgumentError,
  Rng,
  ShapeError,
  expectInteger,
  expectNumber,
  expectOneOf,
  type Batch,
  type JsonObject,
  type StateVariable,
  type StepContext,
  type StepMetrics,
  type TrainableModel,
} from '@tfgen/core';
import { bernoulliLogProbability, categoricalLogProbability, natsToBitsPerDim } from '@tfgen/losses';
import { maskedConv2d } from './masked-conv2d';
import { ParameterSet, applyDense, readWeights, writeWeights, type DenseParameters, type SavedModel } from './parameters';

/** `'gated'`: vertical + horizontal stacks, no blind spot (van den Oord et al. 2016b). `'masked'`: the original masked-conv PixelCNN. */
export type PixelCnnArchitecture = 'gated' | 'masked';
/** `'bernoulli'`: binary pixels (x in {0, 1}); `'categorical'`: a `levels`-way softmax per pixel and channel (x integer levels). */
export type PixelCnnOutput = 'bernoulli' | 'categorical';

/** Options of {@link createPixelCnn}. */
export interface PixelCnnOptions {
  /** `[height, width, channels]`. Channels of one pixel are predicted together (independent given the past pixels). */
  readonly imageShape: readonly [number, number, number] | readonly number[];
  /** Default `'gated'`. */
  readonly architecture?: PixelCnnArchitecture;
  /** Default `'bernoulli'`. */
  readonly output?: PixelCnnOutput;
  /** Levels of the categorical output, default 256. */
  readonly levels?: number;
  /** Number of gated (or masked type-B) layers, default 5. */
  readonly layers?: number;
  /** Feature maps per layer, default 32. */
  readonly filters?: number;
  /** Odd kernel size of the stacks (and of the masked type-B layers), default 3. */
  readonly kernelSize?: number;
  /** Kernel size of the first masked type-A layer (masked architecture only), default 7. */
  readonly firstKernelSize?: number;
  /** Number of classes for class conditioning (`batch.y` int32 labels); omit for an unconditional model. */
  readonly classes?: number;
  /** Adam learning rate, default 1e-3. */
  readonly learningRate?: number;
  /** Seed of the initial weights, default 0. */
  readonly seed?: number | string;
}

interface Resolved {
  imageShape: [number, number, number];
  architecture: PixelCnnArchitecture;
  output: PixelCnnOutput;
  levels: number;
  layers: number;
  filters: number;
  kernelSize: number;
  firstKernelSize: number;
  classes: number;
  learningRate: number;
  seed: number | string;
}

function resolve(options: PixelCnnOptions): Resolved {
  if (!options || typeof options !== 'object') throw new ArgumentError('options', 'an options object', options);
  const shape = options.imageShape;
  if (!Array.isArray(shape) || shape.length !== 3) throw new ArgumentError('options.imageShape', '[height, width, channels]', shape);
  shape.forEach((d, i) => expectInteger(d, `options.imageShape[${i}]`, 1));
  const odd = (value: number, name: string) => {
    expectInteger(value, name, 1, 15);
    if (value % 2 !== 1) throw new ArgumentError(name, 'an odd integer', value);
    return value;
  };
  return {
    imageShape: [shape[0], shape[1], shape[2]],
    architecture: expectOneOf(options.architecture ?? 'gated', 'options.architecture', ['gated', 'masked'] as const),
    output: expectOneOf(options.output ?? 'bernoulli', 'options.output', ['bernoulli', 'categorical'] as const),
    levels: expectInteger(options.levels ?? 256, 'options.levels', 2, 65536),
    layers: expectInteger(options.layers ?? 5, 'options.layers', 1, 64),
    filters: expectInteger(options.filters ?? 32, 'options.filters', 1),
    kernelSize: odd(options.kernelSize ?? 3, 'options.kernelSize'),
    firstKernelSize: odd(options.firstKernelSize ?? 7, 'options.firstKernelSize'),
    classes: options.classes === undefined ? 0 : expectInteger(options.classes, 'options.classes', 1),
    learningRate: expectNumber(options.learningRate ?? 1e-3, 'options.learningRate', 0, Infinity, true),
    seed: options.seed ?? 0,
  };
}

interface GatedLayer {
  vertical: DenseParameters;
  horizontal: DenseParameters;
  verticalToHorizontal: DenseParameters;
  horizontalOut: DenseParameters;
  conditionVertical?: DenseParameters;
  conditionHorizontal?: DenseParameters;
}

interface MaskedLayer {
  conv: DenseParameters;
  condition?: DenseParameters;
}

/** Shifts a NHWC tensor down by one row (zeros enter at the top). */
function shiftDown(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.slice(tf.pad(x, [[0, 0], [1, 0], [0, 0], [0, 0]]), [0, 0, 0, 0], [b, h, w, c]);
}

/** Shifts a NHWC tensor right by one column (zeros enter at the left). */
function shiftRight(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.slice(tf.pad(x, [[0, 0], [0, 0], [1, 0], [0, 0]]), [0, 0, 0, 0], [b, h, w, c]);
}

function gate(x: tf.Tensor4D): tf.Tensor4D {
  const [a, b] = tf.split(x, 2, 3);
  return tf.mul(tf.tanh(a), tf.sigmoid(b)) as tf.Tensor4D;
}

function conv(x: tf.Tensor4D, p: DenseParameters): tf.Tensor4D {
  return tf.add(tf.conv2d(x, p.kernel as tf.Tensor4D, 1, 'valid'), p.bias) as tf.Tensor4D;
}

/**
 * PixelCNN: an autoregressive image model with exact likelihood. `p(x) = prod_i p(x_i | x_<i)` in raster
 * order; the gated variant has vertical and horizontal stacks so that every earlier pixel in the
 * receptive field is seen (no blind spot), with optional class conditioning.
 *
 * Example:
 * ```ts
 * const model = createPixelCnn({ imageShape: [28, 28, 1], output: 'bernoulli', layers: 5, filters: 32 });
 * model.trainStep({ x: binaryImages }, { step, rng }); // { loss, bitsPerDim }
 * const nats = model.nll(testImages); // exact NLL per image, shape [batch]
 * const images = model.generate(4, { rng: new Rng(1) }); // pixel by pixel
 * ```
 */
export class PixelCnn implements TrainableModel {
  readonly kind = 'pixelcnn';
  private readonly options: Resolved;
  private readonly params: ParameterSet;
  private readonly optimizer: tf.Optimizer;
  private readonly gatedLayers: GatedLayer[] = [];
  private readonly maskedLayers: MaskedLayer[] = [];
  private readonly head: [DenseParameters, DenseParameters];
  private readonly outputsPerChannel: number;

  constructor(options: PixelCnnOptions) {
    const o = resolve(options);
    this.options = o;
    this.params = new ParameterSet(new Rng(o.seed).fork('pixelcnn-init'), 'pixelcnn');
    const p = this.params;
    const channels = o.imageShape[2];
    const f = o.filters;
    const k = o.kernelSize;
    const n = (k - 1) / 2;
    this.outputsPerChannel = o.output === 'bernoulli' ? 1 : o.levels;
    for (let l = 0; l < o.layers; l++) {
      const inputs = l === 0 ? channels : f;
      if (o.architecture === 'gated') {
        this.gatedLayers.push({
          vertical: p.conv2d(`layer${l}/vertical`, [n + 1, k], inputs, 2 * f),
          horizontal: p.conv2d(`layer${l}/horizontal`, [1, n + 1], inputs, 2 * f),
          verticalToHorizontal: p.conv2d(`layer${l}/verticalToHorizontal`, [1, 1], 2 * f, 2 * f),
          horizontalOut: p.conv2d(`layer${l}/horizontalOut`, [1, 1], f, f),
          ...(o.classes
            ? { conditionVertical: p.dense(`layer${l}/conditionVertical`, o.classes, 2 * f), conditionHorizontal: p.dense(`layer${l}/conditionHorizontal`, o.classes, 2 * f) }
            : {}),
        });
      } else {
        const size = l === 0 ? o.firstKernelSize : k;
        this.maskedLayers.push({
          conv: p.conv2d(`layer${l}/masked${l === 0 ? 'A' : 'B'}`, [size, size], inputs, f),
          ...(o.classes ? { condition: p.dense(`layer${l}/condition`, o.classes, f) } : {}),
        });
      }
    }
    this.head = [p.conv2d('head/hidden', [1, 1], f, f), p.conv2d('head/logits', [1, 1], f, channels * this.outputsPerChannel)];
    this.optimizer = tf.train.adam(o.learningRate);
  }

  /** `[height, width, channels]` of the modelled images. */
  get imageShape(): [number, number, number] {
    return [...this.options.imageShape];
  }

  private checkImages(x: tf.Tensor, name: string): void {
    const [h, w, c] = this.options.imageShape;
    if (!x || !Array.isArray(x.shape) || x.rank !== 4 || x.shape[1] !== h || x.shape[2] !== w || x.shape[3] !== c) {
      throw new ShapeError(name, `shape [*, ${h}, ${w}, ${c}]`, x?.shape ?? x);
    }
  }

  private conditionOf(labels: tf.Tensor | undefined, batch: number): tf.Tensor2D | null {
    if (!this.options.classes) {
      if (labels !== undefined) throw new ArgumentError('labels', 'no labels for an unconditional model (options.classes not set)', labels);
      return null;
    }
    if (!labels || labels.rank !== 1 || labels.shape[0] !== batch) throw new ShapeError('labels', `int32 class ids of shape [${batch}]`, labels?.shape ?? labels);
    return tf.cast(tf.oneHot(tf.cast(labels, 'int32'), this.options.classes), 'float32') as tf.Tensor2D;
  }

  /** Maps data (0/1, or integer levels) to the network input scale [-1, 1]. */
  networkInput(x: tf.Tensor): tf.Tensor4D {
    return tf.tidy(() => {
      const xs = tf.cast(x, 'float32');
      const scale = this.options.output === 'bernoulli' ? 1 : this.options.levels - 1;
      return tf.sub(tf.mul(xs, 2 / scale), 1) as tf.Tensor4D;
    });
  }

  /**
   * Logits from the network input (see {@link networkInput}): `[batch, h, w, channels]` (Bernoulli) or
   * `[batch, h, w, channels, levels]` (categorical). The logits at pixel i depend only on pixels before i.
   */
  logitsFromInput(input: tf.Tensor4D, labels?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, h, w, c] = input.shape;
      const features = this.featuresFromInput(input, labels);
      const hidden = tf.relu(conv(tf.relu(features), this.head[0])) as tf.Tensor4D;
      const logits = conv(hidden, this.head[1]);
      return this.options.output === 'bernoulli' ? logits : tf.reshape(logits, [b, h, w, c, this.outputsPerChannel]);
    });
  }

  /**
   * The stack's output features `[batch, h, w, filters]` before the output head (the horizontal stack
   * of the gated net); like the logits, the features at pixel i depend only on pixels before i.
   */
  featuresFromInput(input: tf.Tensor4D, labels?: tf.Tensor): tf.Tensor4D {
    this.checkImages(input, 'input');
    return tf.tidy(() => {
      const b = input.shape[0];
      const condition = this.conditionOf(labels, b);
      const addCondition = (x: tf.Tensor4D, p?: DenseParameters) =>
        condition && p ? (tf.add(x, tf.reshape(applyDense(condition, p), [b, 1, 1, -1])) as tf.Tensor4D) : x;
      let features: tf.Tensor4D;
      if (this.options.architecture === 'gated') {
        const n = (this.options.kernelSize - 1) / 2;
        let v: tf.Tensor4D = input;
        let hs: tf.Tensor4D = input;
        this.gatedLayers.forEach((layer, l) => {
          // Vertical stack: rows r-n..r (all columns c-n..c+n); only its shifted-down copy feeds the horizontal stack.
          const verticalPre = conv(tf.pad(v, [[0, 0], [n, 0], [n, n], [0, 0]]), layer.vertical);
          // Horizontal stack: columns c-n..c of row r; the first layer shifts right so a pixel never sees itself.
          let horizontalPre = conv(tf.pad(hs, [[0, 0], [0, 0], [n, 0], [0, 0]]), layer.horizontal);
          if (l === 0) horizontalPre = shiftRight(horizontalPre);
          horizontalPre = tf.add(horizontalPre, conv(shiftDown(verticalPre), layer.verticalToHorizontal)) as tf.Tensor4D;
          v = gate(addCondition(verticalPre, layer.conditionVertical));
          const gated = conv(gate(addCondition(horizontalPre, layer.conditionHorizontal)), layer.horizontalOut);
          hs = l === 0 ? gated : (tf.add(hs, gated) as tf.Tensor4D);
        });
        features = hs;
      } else {
        let x: tf.Tensor4D = input;
        this.maskedLayers.forEach((layer, l) => {
          const out = tf.relu(addCondition(maskedConv2d(x, layer.conv.kernel as tf.Tensor4D, layer.conv.bias as tf.Tensor1D, l === 0 ? 'A' : 'B'), layer.condition)) as tf.Tensor4D;
          x = l === 0 ? out : (tf.add(x, out) as tf.Tensor4D);
        });
        features = x;
      }
      return features;
    });
  }

  /** Logits for data `x` (0/1 or integer levels, `[batch, h, w, channels]`). */
  logits(x: tf.Tensor, labels?: tf.Tensor): tf.Tensor {
    this.checkImages(x, 'x');
    return tf.tidy(() => this.logitsFromInput(this.networkInput(x), labels));
  }

  /** `log p(x_i | x_<i)` for every pixel and channel, shape `[batch, h, w, channels]`. */
  logProbabilities(x: tf.Tensor, labels?: tf.Tensor): tf.Tensor4D {
    this.checkImages(x, 'x');
    return tf.tidy(() => {
      const logits = this.logits(x, labels);
      return (this.options.output === 'bernoulli' ? bernoulliLogProbability(tf.cast(x, 'float32'), logits) : categoricalLogProbability(x, logits)) as tf.Tensor4D;
    });
  }

  /** Exact negative log-likelihood in nats per image (the sum of the per-pixel terms), shape `[batch]`. */
  nll(x: tf.Tensor, labels?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => tf.neg(tf.sum(this.logProbabilities(x, labels), [1, 2, 3])) as tf.Tensor1D);
  }

  /** Mean bits per dimension over a batch: `nll / (h * w * channels * ln 2)`. */
  bitsPerDim(x: tf.Tensor, labels?: tf.Tensor): number {
    const nll = this.nll(x, labels);
    const value = tf.tidy(() => tf.mean(nll).dataSync()[0]);
    nll.dispose();
    const [h, w, c] = this.options.imageShape;
    return natsToBitsPerDim(value, h * w * c);
  }

  /** One Adam step on `batch.x` (and `batch.y` labels if conditional). Metrics: `loss` (mean NLL, nats per image) and `bitsPerDim`. */
  trainStep(batch: Batch, _context: StepContext): StepMetrics {
    this.checkImages(batch.x, 'batch.x');
    const loss = this.optimizer.minimize(() => tf.mean(this.nll(batch.x, batch.y)) as tf.Scalar, true, this.params.list())!;
    const value = loss.dataSync()[0];
    loss.dispose();
    const [h, w, c] = this.options.imageShape;
    return { loss: value, bitsPerDim: natsToBitsPerDim(value, h * w * c) };
  }

  /**
   * Draws `count` images pixel by pixel (h * w forward passes), in data format (0/1 or integer levels),
   * shape `[count, h, w, channels]`. `labels` (int32 `[count]`) for a conditional model.
   */
  generate(count: number, options: { rng?: Rng | number; labels?: tf.Tensor } = {}): tf.Tensor4D {
    expectInteger(count, 'count', 1);
    const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
    const [h, w, c] = this.options.imageShape;
    const canvas = new Float32Array(count * h * w * c);
    const per = this.outputsPerChannel;
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        const logits = tf.tidy(() => {
          const x = tf.tensor4d(canvas, [count, h, w, c]);
          const all = this.logitsFromInput(this.networkInput(x), options.labels);
          const begin = [0, r, col, 0, 0].slice(0, all.rank);
          const size = [count, 1, 1, c, per].slice(0, all.rank);
          return tf.slice(all, begin, size).dataSync();
        });
        for (let i = 0; i < count; i++) {
          for (let ch = 0; ch < c; ch++) {
            const target = ((i * h + r) * w + col) * c + ch;
            if (per === 1) {
              const probability = 1 / (1 + Math.exp(-logits[i * c + ch]));
              canvas[target] = rng.next() < probability ? 1 : 0;
            } else {
              canvas[target] = sampleCategorical(logits, (i * c + ch) * per, per, rng.next());
            }
          }
        }
      }
    }
    return tf.tensor4d(canvas, [count, h, w, c]);
  }

  /** Images for sample callbacks: {@link generate} mapped to [-1, 1]. */
  sample(count: number, rng: Rng): tf.Tensor4D {
    // A conditional model cycles through the classes.
    const labels = this.options.classes ? tf.tensor1d(Array.from({ length: count }, (_, i) => i % this.options.classes), 'int32') : undefined;
    const x = this.generate(count, { rng, labels });
    try {
      return this.networkInput(x);
    } finally {
      tf.dispose([x, ...(labels ? [labels] : [])]);
    }
  }

  stateVariables(): StateVariable[] {
    return this.params.stateVariables();
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { model: this.optimizer };
  }

  config(): JsonObject {
    const { classes, ...rest } = this.options;
    return { ...rest, imageShape: [...this.options.imageShape], ...(classes ? { classes } : {}) };
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.params.count();
  }

  /** Config and weights as plain arrays; {@link loadPixelCnn} rebuilds the model. */
  save(): SavedModel {
    return { kind: this.kind, config: this.config(), weights: readWeights(this.stateVariables()) };
  }

  /** Frees the weights and optimizer state. */
  dispose(): void {
    this.params.dispose();
    this.optimizer.dispose();
  }
}

/** Inverse-CDF draw from softmax(logits[offset .. offset + size)) with the uniform `u` (float64 on the JS side). */
export function sampleCategorical(logits: ArrayLike<number>, offset: number, size: number, u: number): number {
  let max = -Infinity;
  for (let j = 0; j < size; j++) max = Math.max(max, logits[offset + j]);
  let total = 0;
  for (let j = 0; j < size; j++) total += Math.exp(logits[offset + j] - max);
  let cumulative = 0;
  const threshold = u * total;
  for (let j = 0; j < size; j++) {
    cumulative += Math.exp(logits[offset + j] - max);
    if (threshold < cumulative) return j;
  }
  return size - 1;
}

/** Builds a {@link PixelCnn}; see {@link PixelCnnOptions}. */
export function createPixelCnn(options: PixelCnnOptions): PixelCnn {
  return new PixelCnn(options);
}

/** Rebuilds a PixelCNN from {@link PixelCnn.save}'s output. */
export function loadPixelCnn(saved: SavedModel): PixelCnn {
  if (!saved || saved.kind !== 'pixelcnn') throw new ArgumentError('saved.kind', '"pixelcnn"', saved?.kind);
  const model = new PixelCnn(saved.config as unknown as PixelCnnOptions);
  writeWeights(model.stateVariables(), saved.weights, 'saved PixelCNN');
  return model;
}
