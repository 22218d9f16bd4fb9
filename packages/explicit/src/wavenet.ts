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
import { categoricalLogProbability } from '@tfgen/losses';
import { ParameterSet, applyDense, readWeights, writeWeights, type DenseParameters, type SavedModel } from './parameters';
import { sampleCategorical } from './pixel-cnn';

/** Options of {@link createWaveNet}. */
export interface WaveNetOptions {
  /** Dilation of each gated layer, e.g. `[1, 2, 4, 8, 1, 2, 4, 8]` (two stacks); default `[1, 2, 4, 8, 16, 32]`. */
  readonly dilations?: readonly number[];
  /** Channels of the residual stream, default 16. */
  readonly residualChannels?: number;
  /** Channels of the skip connections and output head, default 32. */
  readonly skipChannels?: number;
  /** Quantization levels of the (mu-law) input and softmax output, default 256. */
  readonly levels?: number;
  /** Number of classes (speakers) for global conditioning (`batch.y` int32 labels); omit for none. */
  readonly classes?: number;
  /** Adam learning rate, default 1e-3. */
  readonly learningRate?: number;
  /** Seed of the initial weights, default 0. */
  readonly seed?: number | string;
}

interface Resolved {
  dilations: number[];
  residualChannels: number;
  skipChannels: number;
  levels: number;
  classes: number;
  learningRate: number;
  seed: number | string;
}

interface WaveNetLayer {
  dilation: number;
  /** `[2, R, 2R]`: tap 0 multiplies h[t - dilation], tap 1 multiplies h[t]. */
  filterGate: DenseParameters;
  residual: DenseParameters;
  skip: DenseParameters;
  condition?: DenseParameters;
}

/** Options of {@link WaveNet.generate}. */
export interface WaveNetGenerateOptions {
  /** `'fast'`: per-layer queues (Paine et al. 2016), constant work per sample; `'naive'`: re-run the net over the receptive field. Default `'fast'`. */
  readonly method?: 'fast' | 'naive';
  /** Generator for the sampling uniforms (or a seed), default 0. Same seed, same samples, either method. */
  readonly rng?: Rng | number;
  /** Class ids `[count]` for a conditioned model. */
  readonly labels?: readonly number[];
  /** The code the sequence starts from (not returned), default `floor(levels / 2)` (silence in mu-law). */
  readonly initial?: number;
}

/**
 * WaveNet (van den Oord et al. 2016): a stack of causal dilated convolutions with gated tanh/sigmoid
 * units, residual and skip connections and a `levels`-way softmax over mu-law codes, optionally
 * conditioned on a class (global conditioning). Generates naively or with per-layer queues.
 *
 * Example:
 * ```ts
 * const wavenet = createWaveNet({ dilations: [1, 2, 4, 8, 16], residualChannels: 16 });
 * wavenet.trainStep({ x: muLawCodes }, { step, rng }); // x: int codes [batch, time]
 * const audio = wavenet.generate(2, 16000, { method: 'fast', rng: new Rng(1) }); // int32 [2, 16000]
 * ```
 */
export class WaveNet implements TrainableModel {
  readonly kind = 'wavenet';
  private readonly options: Resolved;
  private readonly params: ParameterSet;
  private readonly optimizer: tf.Optimizer;
  private readonly input: DenseParameters;
  private readonly layers: WaveNetLayer[] = [];
  private readonly head: [DenseParameters, DenseParameters];

  constructor(options: WaveNetOptions = {}) {
    if (!options || typeof options !== 'object') throw new ArgumentError('options', 'an options object', options);
    const dilations = options.dilations ?? [1, 2, 4, 8, 16, 32];
    if (!Array.isArray(dilations) || dilations.length === 0) throw new ArgumentError('options.dilations', 'a non-empty array of positive integers', dilations);
    dilations.forEach((d, i) => expectInteger(d, `options.dilations[${i}]`, 1, 1 << 16));
    const o: Resolved = {
      dilations: [...dilations],
      residualChannels: expectInteger(options.residualChannels ?? 16, 'options.residualChannels', 1),
      skipChannels: expectInteger(options.skipChannels ?? 32, 'options.skipChannels', 1),
      levels: expectInteger(options.levels ?? 256, 'options.levels', 2, 65536),
      classes: options.classes === undefined ? 0 : expectInteger(options.classes, 'options.classes', 1),
      learningRate: expectNumber(options.learningRate ?? 1e-3, 'options.learningRate', 0, Infinity, true),
      seed: options.seed ?? 0,
    };
    this.options = o;
    const r = o.residualChannels;
    const s = o.skipChannels;
    const p = (this.params = new ParameterSet(new Rng(o.seed).fork('wavenet-init'), 'wavenet'));
    this.input = { kernel: p.glorot('input/kernel', [2, o.levels, r], 2 * o.levels, 2 * r), bias: p.constant('input/bias', [r]) };
    o.dilations.forEach((dilation, l) => {
      this.layers.push({
        dilation,
        filterGate: { kernel: p.glorot(`layer${l}/filterGate/kernel`, [2, r, 2 * r], 2 * r, 4 * r), bias: p.constant(`layer${l}/filterGate/bias`, [2 * r]) },
        residual: p.dense(`layer${l}/residual`, r, r),
        skip: p.dense(`layer${l}/skip`, r, s),
        ...(o.classes ? { condition: p.dense(`layer${l}/condition`, o.classes, 2 * r) } : {}),
      });
    });
    this.head = [p.dense('head/hidden', s, s), p.dense('head/logits', s, o.levels)];
    this.optimizer = tf.train.adam(o.learningRate);
  }

  /** Samples of context the output at time t depends on: `t - receptiveField + 1 .. t`, i.e. `2 + sum(dilations)`. */
  get receptiveField(): number {
    return 2 + this.options.dilations.reduce((a, b) => a + b, 0);
  }

  private conditionOf(labels: tf.Tensor | readonly number[] | undefined, batch: number): tf.Tensor2D | null {
    if (!this.options.classes) {
      if (labels !== undefined) throw new ArgumentError('labels', 'no labels for an unconditioned model (options.classes not set)', labels);
      return null;
    }
    const ids = Array.isArray(labels) ? tf.tensor1d(labels as number[], 'int32') : (labels as tf.Tensor | undefined);
    if (!ids || ids.rank !== 1 || ids.shape[0] !== batch) throw new ShapeError('labels', `class ids of shape [${batch}]`, ids?.shape ?? labels);
    return tf.cast(tf.oneHot(tf.cast(ids, 'int32'), this.options.classes), 'float32') as tf.Tensor2D;
  }

  private checkCodes(x: tf.Tensor, name: string): void {
    if (!x || !Array.isArray(x.shape) || x.rank !== 2) throw new ShapeError(name, 'integer codes of shape [batch, time]', x?.shape ?? x);
  }

  /**
   * Logits `[batch, time, levels]` for codes `[batch, time]`: position t is the distribution of the code
   * at t + 1 given codes 0..t (teacher forcing). Inputs before time 0 are zero.
   */
  logits(codes: tf.Tensor, labels?: tf.Tensor | readonly number[]): tf.Tensor3D {
    this.checkCodes(codes, 'codes');
    return tf.tidy(() => {
      const [b, t] = codes.shape;
      const r = this.options.residualChannels;
      const condition = this.conditionOf(labels, b);
      const oneHot = tf.cast(tf.oneHot(tf.cast(codes, 'int32'), this.options.levels), 'float32') as tf.Tensor3D;
      // A kernel-2 causal conv with dilation d is two matmuls: tap 0 on the input shifted by d, tap 1 on
      // the input itself (tfjs has no gradient for dilated conv2d).
      const causalConv = (x: tf.Tensor3D, kernel: tf.Tensor, bias: tf.Tensor, d: number): tf.Tensor3D => {
        const [, , channels] = x.shape;
        const outputs = kernel.shape[2] as number;
        const shifted = tf.slice(tf.pad(x, [[0, 0], [d, 0], [0, 0]]), [0, 0, 0], [b, t, channels]);
        const past = tf.matMul(tf.reshape(shifted, [b * t, channels]), tf.reshape(tf.slice(kernel, [0, 0, 0], [1, -1, -1]), [channels, outputs]));
        const now = tf.matMul(tf.reshape(x, [b * t, channels]), tf.reshape(tf.slice(kernel, [1, 0, 0], [1, -1, -1]), [channels, outputs]));
        return tf.reshape(tf.add(tf.add(past, now), bias), [b, t, outputs]) as tf.Tensor3D;
      };
      let h = causalConv(oneHot, this.input.kernel, this.input.bias, 1);
      let skip: tf.Tensor | null = null;
      for (const layer of this.layers) {
        const d = layer.dilation;
        let pre = causalConv(h, layer.filterGate.kernel, layer.filterGate.bias, d);
        if (condition && layer.condition) pre = tf.add(pre, tf.reshape(applyDense(condition, layer.condition), [b, 1, 2 * r]));
        const [filter, gateValue] = tf.split(pre, 2, 2);
        const z = tf.reshape(tf.mul(tf.tanh(filter), tf.sigmoid(gateValue)), [b * t, r]);
        const skipOut = applyDense(z, layer.skip);
        skip = skip ? tf.add(skip, skipOut) : skipOut;
        h = tf.add(h, tf.reshape(applyDense(z, layer.residual), [b, t, r])) as tf.Tensor3D;
      }
      const hidden = tf.relu(applyDense(tf.relu(skip!), this.head[0]));
      return tf.reshape(applyDense(hidden, this.head[1]), [b, t, this.options.levels]) as tf.Tensor3D;
    });
  }

  /** Negative log-likelihood in nats of codes 1..T-1 given their past, per sequence, shape `[batch]`. */
  nll(codes: tf.Tensor, labels?: tf.Tensor | readonly number[]): tf.Tensor1D {
    this.checkCodes(codes, 'codes');
    const [b, t] = codes.shape;
    if (t < 2) throw new ShapeError('codes', 'at least 2 time steps', codes.shape);
    return tf.tidy(() => {
      const logits = tf.slice(this.logits(codes, labels), [0, 0, 0], [b, t - 1, this.options.levels]);
      const targets = tf.slice(codes, [0, 1], [b, t - 1]);
      return tf.neg(tf.sum(categoricalLogProbability(targets, logits), 1)) as tf.Tensor1D;
    });
  }

  /**
   * The codes and class labels of a batch: either `x` int codes `[batch, time]` with optional `y` class
   * ids `[batch]`, or the `audioWindows(..., { muLawLevels })` format of @tfgen/datasets: `x` float
   * `[batch, time, 1]` and `y` the mu-law codes `[batch, time]` (no class labels then).
   */
  static codesOfBatch(batch: Batch): { codes: tf.Tensor; labels?: tf.Tensor } {
    const { x, y } = batch;
    if (x && x.rank === 2) return { codes: x, labels: y };
    if (x && x.rank === 3 && y && y.rank === 2 && y.shape[0] === x.shape[0] && y.shape[1] === x.shape[1]) return { codes: y };
    throw new ShapeError('batch', 'x int codes [batch, time] (y: class ids), or x [batch, time, 1] with y codes [batch, time]', x?.shape ?? x);
  }

  /**
   * One Adam step on a batch of codes (see {@link WaveNet.codesOfBatch}). Metrics: `loss` (nats per
   * predicted sample) and `bitsPerSample`.
   */
  trainStep(batch: Batch, _context: StepContext): StepMetrics {
    const { codes, labels } = WaveNet.codesOfBatch(batch);
    this.checkCodes(codes, 'codes');
    const perSequence = (codes.shape[1] as number) - 1;
    const loss = this.optimizer.minimize(() => tf.div(tf.mean(this.nll(codes, labels)), perSequence) as tf.Scalar, true, this.params.list())!;
    const value = loss.dataSync()[0];
    loss.dispose();
    return { loss: value, bitsPerSample: value / Math.LN2 };
  }

  /**
   * Generates `length` codes per sequence, sample by sample, as int32 `[count, length]`. Both methods
   * draw the same uniforms in the same order, so for one seed they give the same samples.
   */
  generate(count: number, length: number, options: WaveNetGenerateOptions = {}): tf.Tensor2D {
    expectInteger(count, 'count', 1);
    expectInteger(length, 'length', 1);
    const method = expectOneOf(options.method ?? 'fast', 'options.method', ['fast', 'naive'] as const);
    const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
    const initial = expectInteger(options.initial ?? Math.floor(this.options.levels / 2), 'options.initial', 0, this.options.levels - 1);
    if (options.labels !== undefined && (!Array.isArray(options.labels) || options.labels.length !== count)) {
      throw new ArgumentError('options.labels', `${count} class ids`, options.labels);
    }
    const codes = method === 'fast' ? this.generateFast(count, length, rng, initial, options.labels) : this.generateNaive(count, length, rng, initial, options.labels);
    return tf.tensor2d(codes, [count, length], 'int32');
  }

  private drawCodes(logits: ArrayLike<number>, count: number, rng: Rng, out: Int32Array, column: number, length: number): number[] {
    const levels = this.options.levels;
    const drawn: number[] = [];
    for (let i = 0; i < count; i++) {
      const code = sampleCategorical(logits, i * levels, levels, rng.next());
      out[i * length + column] = code;
      drawn.push(code);
    }
    return drawn;
  }

  private generateNaive(count: number, length: number, rng: Rng, initial: number, labels?: readonly number[]): Int32Array {
    const field = this.receptiveField;
    const history: number[][] = Array.from({ length: count }, () => [initial]);
    const out = new Int32Array(count * length);
    for (let step = 0; step < length; step++) {
      const window = Math.min(field, step + 1);
      const logits = tf.tidy(() => {
        const codes = tf.tensor2d(history.flatMap((h) => h.slice(h.length - window)), [count, window], 'int32');
        const all = this.logits(codes, labels);
        return tf.slice(all, [0, window - 1, 0], [count, 1, this.options.levels]).dataSync();
      });
      const drawn = this.drawCodes(logits, count, rng, out, step, length);
      drawn.forEach((code, i) => {
        history[i].push(code);
        if (history[i].length > field) history[i].shift();
      });
    }
    return out;
  }

  private generateFast(count: number, length: number, rng: Rng, initial: number, labels?: readonly number[]): Int32Array {
    const r = this.options.residualChannels;
    const out = new Int32Array(count * length);
    // Per layer, a queue of the layer's inputs at times t - dilation .. t - 1 (zeros before time 0).
    const queues: tf.Tensor2D[][] = this.layers.map((layer) => Array.from({ length: layer.dilation }, () => tf.zeros([count, r]) as tf.Tensor2D));
    const taps = tf.tidy(() => ({
      inputPrevious: tf.squeeze(tf.slice(this.input.kernel, [0, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D,
      inputCurrent: tf.squeeze(tf.slice(this.input.kernel, [1, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D,
      layers: this.layers.map((layer) => ({
        past: tf.squeeze(tf.slice(layer.filterGate.kernel, [0, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D,
        current: tf.squeeze(tf.slice(layer.filterGate.kernel, [1, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D,
      })),
      conditions: (() => {
        const condition = this.conditionOf(labels, count);
        return this.layers.map((layer) => (condition && layer.condition ? applyDense(condition, layer.condition) : tf.zeros([1, 2 * r])));
      })(),
    }));
    let previous: number[] | null = null;
    let current = new Array<number>(count).fill(initial);
    try {
      for (let step = 0; step < length; step++) {
        const prev = previous;
        const cur = current;
        const result = tf.tidy(() => {
          let h = tf.add(tf.gather(taps.inputCurrent, tf.tensor1d(cur, 'int32')), this.input.bias) as tf.Tensor2D;
          if (prev) h = tf.add(h, tf.gather(taps.inputPrevious, tf.tensor1d(prev, 'int32')));
          const pushed: tf.Tensor2D[] = [];
          let skip: tf.Tensor | null = null;
          this.layers.forEach((layer, l) => {
            const past = queues[l][0];
            pushed.push(tf.keep(h));
            let pre = tf.add(tf.add(tf.matMul(past, taps.layers[l].past), tf.matMul(h, taps.layers[l].current)), layer.filterGate.bias);
            pre = tf.add(pre, taps.conditions[l]); // zeros without conditioning
            const [filter, gateValue] = tf.split(pre, 2, 1);
            const z = tf.mul(tf.tanh(filter), tf.sigmoid(gateValue));
            const skipOut = applyDense(z, layer.skip);
            skip = skip ? tf.add(skip, skipOut) : skipOut;
            h = tf.add(h, applyDense(z, layer.residual)) as tf.Tensor2D;
          });
          const hidden = tf.relu(applyDense(tf.relu(skip!), this.head[0]));
          return { logits: applyDense(hidden, this.head[1]).dataSync(), pushed };
        });
        result.pushed.forEach((value, l) => {
          queues[l].shift()!.dispose();
          queues[l].push(value);
        });
        previous = cur;
        current = this.drawCodes(result.logits, count, rng, out, step, length);
      }
    } finally {
      queues.forEach((queue) => tf.dispose(queue));
      tf.dispose([taps.inputPrevious, taps.inputCurrent, ...taps.layers.flatMap((t) => [t.past, t.current]), ...taps.conditions]);
    }
    return out;
  }

  stateVariables(): StateVariable[] {
    return this.params.stateVariables();
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { model: this.optimizer };
  }

  config(): JsonObject {
    const { classes, ...rest } = this.options;
    return { ...rest, dilations: [...this.options.dilations], ...(classes ? { classes } : {}) };
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.params.count();
  }

  /** Config and weights as plain arrays; {@link loadWaveNet} rebuilds the model. */
  save(): SavedModel {
    return { kind: this.kind, config: this.config(), weights: readWeights(this.stateVariables()) };
  }

  /** Frees the weights and optimizer state. */
  dispose(): void {
    this.params.dispose();
    this.optimizer.dispose();
  }
}

/** Builds a {@link WaveNet}; see {@link WaveNetOptions}. */
export function createWaveNet(options: WaveNetOptions = {}): WaveNet {
  return new WaveNet(options);
}

/** Rebuilds a WaveNet from {@link WaveNet.save}'s output. */
export function loadWaveNet(saved: SavedModel): WaveNet {
  if (!saved || saved.kind !== 'wavenet') throw new ArgumentError('saved.kind', '"wavenet"', saved?.kind);
  const model = new WaveNet(saved.config as unknown as WaveNetOptions);
  writeWeights(model.stateVariables(), saved.weights, 'saved WaveNet');
  return model;
}
