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
import {
  bernoulliLogLikelihood,
  discretizedLogisticMixtureLogLikelihood,
  gaussianLogLikelihood,
  iwaeBound,
  klStandardNormal,
  logMeanExp,
} from '@tfgen/losses';
import { ParameterSet, applyDense, readWeights, writeWeights, type DenseParameters, type SavedModel } from './parameters';

/** The decoder's likelihood `p(x | z)`. */
export type VaeDecoder = 'bernoulli' | 'gaussian' | 'discretizedLogistic';
/** The encoder/decoder architecture: fully connected, or strided convolutions (the decoder mirrors the encoder). */
export type VaeEncoder = 'mlp' | 'conv';
/** The training objective: the ELBO, or the importance-weighted bound with `k` samples (Burda et al. 2016). */
export type VaeObjective = 'elbo' | 'iwae';

/** Options of {@link createVae}. */
export interface VaeOptions {
  /** Shape of one example: `[features]` or `[height, width, channels]` (conv needs height and width divisible by 4). */
  readonly inputShape: readonly number[];
  /** Size of the latent code z. */
  readonly latentDim: number;
  /** Architecture, default `'mlp'`. */
  readonly encoder?: VaeEncoder;
  /**
   * Likelihood, default `'bernoulli'`. Data scales: bernoulli x in [0, 1] (binary), gaussian any real,
   * discretizedLogistic x in [-1, 1] on the 256-level grid `2k/255 - 1`.
   */
  readonly decoder?: VaeDecoder;
  /** Hidden layer sizes of the MLP (and the dense layer after the convs), default `[200, 200]`. */
  readonly hiddenUnits?: readonly number[];
  /** Filters of the two stride-2 convolutions (conv only), default `[32, 64]`. */
  readonly convFilters?: readonly [number, number];
  /** Hidden activation, default `'tanh'` (as in the IWAE paper). */
  readonly activation?: 'tanh' | 'relu';
  /** Mixture components of the discretized logistic decoder, default 1. */
  readonly mixtureComponents?: number;
  /** KL weight (beta-VAE), default 1. */
  readonly beta?: number;
  /** Training objective, default `'elbo'`. */
  readonly objective?: VaeObjective;
  /** Importance samples of the IWAE objective, default 5. */
  readonly k?: number;
  /** Adam learning rate, default 1e-3. */
  readonly learningRate?: number;
  /** Seed of the initial weights, default 0. */
  readonly seed?: number | string;
}

/** Options of {@link Vae.logLikelihood}. */
export interface LogLikelihoodOptions {
  /** Importance samples k (1 gives the ELBO), default 1000. */
  readonly samples?: number;
  /** Samples evaluated at once; memory grows with `chunkSize * batch`, default 100. */
  readonly chunkSize?: number;
  /** Generator for the samples (or a seed), default seed 0. */
  readonly rng?: Rng | number;
}

interface ResolvedVaeOptions {
  inputShape: number[];
  latentDim: number;
  encoder: VaeEncoder;
  decoder: VaeDecoder;
  hiddenUnits: number[];
  convFilters: [number, number];
  activation: 'tanh' | 'relu';
  mixtureComponents: number;
  beta: number;
  objective: VaeObjective;
  k: number;
  learningRate: number;
  seed: number | string;
}

function resolveOptions(options: VaeOptions): ResolvedVaeOptions {
  if (!options || typeof options !== 'object') throw new ArgumentError('options', 'an options object', options);
  const inputShape = options.inputShape;
  if (!Array.isArray(inputShape) || (inputShape.length !== 1 && inputShape.length !== 3)) {
    throw new ArgumentError('options.inputShape', '[features] or [height, width, channels]', inputShape);
  }
  inputShape.forEach((d, i) => expectInteger(d, `options.inputShape[${i}]`, 1));
  const encoder = expectOneOf(options.encoder ?? 'mlp', 'options.encoder', ['mlp', 'conv'] as const);
  if (encoder === 'conv') {
    if (inputShape.length !== 3 || inputShape[0] % 4 !== 0 || inputShape[1] % 4 !== 0) {
      throw new ArgumentError('options.inputShape', '[height, width, channels] with height and width divisible by 4 for encoder "conv"', inputShape);
    }
  }
  const hiddenUnits = options.hiddenUnits ?? [200, 200];
  if (!Array.isArray(hiddenUnits) || hiddenUnits.length === 0) throw new ArgumentError('options.hiddenUnits', 'a non-empty array of positive integers', hiddenUnits);
  hiddenUnits.forEach((u, i) => expectInteger(u, `options.hiddenUnits[${i}]`, 1));
  const convFilters = options.convFilters ?? [32, 64];
  if (!Array.isArray(convFilters) || convFilters.length !== 2) throw new ArgumentError('options.convFilters', 'two positive integers', convFilters);
  convFilters.forEach((u, i) => expectInteger(u, `options.convFilters[${i}]`, 1));
  return {
    inputShape: [...inputShape],
    latentDim: expectInteger(options.latentDim, 'options.latentDim', 1),
    encoder,
    decoder: expectOneOf(options.decoder ?? 'bernoulli', 'options.decoder', ['bernoulli', 'gaussian', 'discretizedLogistic'] as const),
    hiddenUnits: [...hiddenUnits],
    convFilters: [convFilters[0], convFilters[1]],
    activation: expectOneOf(options.activation ?? 'tanh', 'options.activation', ['tanh', 'relu'] as const),
    mixtureComponents: expectInteger(options.mixtureComponents ?? 1, 'options.mixtureComponents', 1, 32),
    beta: expectNumber(options.beta ?? 1, 'options.beta', 0),
    objective: expectOneOf(options.objective ?? 'elbo', 'options.objective', ['elbo', 'iwae'] as const),
    k: expectInteger(options.k ?? 5, 'options.k', 1, 5000),
    learningRate: expectNumber(options.learningRate ?? 1e-3, 'options.learningRate', 0, Infinity, true),
    seed: options.seed ?? 0,
  };
}

/**
 * A variational autoencoder (Kingma & Welling 2014) with a diagonal Gaussian posterior and N(0, I)
 * prior, trained on the (beta-)ELBO or the IWAE bound, with an importance-sampled log-likelihood estimate.
 *
 * Example:
 * ```ts
 * const vae = createVae({ inputShape: [784], latentDim: 50, decoder: 'bernoulli', seed: 1 });
 * const metrics = vae.trainStep({ x: binaryBatch }, { step: 0, rng: new Rng(1) }); // { loss, elbo, kl, ... }
 * const ll = vae.logLikelihood(testBatch, { samples: 5000, chunkSize: 250 }); // nats, shape [batch]
 * ```
 */
export class Vae implements TrainableModel {
  readonly kind = 'vae';
  private readonly options: ResolvedVaeOptions;
  private readonly params: ParameterSet;
  private readonly optimizer: tf.Optimizer;
  private readonly features: number;
  private readonly parametersPerElement: number;
  private readonly encoderDense: DenseParameters[] = [];
  private readonly encoderConv: DenseParameters[] = [];
  private readonly encoderHead: DenseParameters;
  private readonly decoderDense: DenseParameters[] = [];
  private readonly decoderConv: DenseParameters[] = [];
  private readonly decoderHead: DenseParameters;

  constructor(options: VaeOptions) {
    const o = resolveOptions(options);
    this.options = o;
    this.features = o.inputShape.reduce((a, b) => a * b, 1);
    this.parametersPerElement = o.decoder === 'bernoulli' ? 1 : o.decoder === 'gaussian' ? 2 : 3 * o.mixtureComponents;
    this.params = new ParameterSet(new Rng(o.seed).fork('vae-init'), 'vae');
    const p = this.params;
    const hidden = o.hiddenUnits;
    const latent = o.latentDim;
    if (o.encoder === 'mlp') {
      let inputs = this.features;
      hidden.forEach((units, i) => {
        this.encoderDense.push(p.dense(`encoder/dense${i}`, inputs, units));
        inputs = units;
      });
      this.encoderHead = p.dense('encoder/head', inputs, 2 * latent);
      inputs = latent;
      [...hidden].reverse().forEach((units, i) => {
        this.decoderDense.push(p.dense(`decoder/dense${i}`, inputs, units));
        inputs = units;
      });
      this.decoderHead = p.dense('decoder/head', inputs, this.features * this.parametersPerElement);
    } else {
      const [h, w, c] = o.inputShape;
      const [f0, f1] = o.convFilters;
      this.encoderConv.push(p.conv2d('encoder/conv0', [3, 3], c, f0));
      this.encoderConv.push(p.conv2d('encoder/conv1', [3, 3], f0, f1));
      const flat = (h / 4) * (w / 4) * f1;
      this.encoderDense.push(p.dense('encoder/dense0', flat, hidden[0]));
      this.encoderHead = p.dense('encoder/head', hidden[0], 2 * latent);
      this.decoderDense.push(p.dense('decoder/dense0', latent, hidden[0]));
      this.decoderDense.push(p.dense('decoder/dense1', hidden[0], flat));
      // conv2dTranspose kernels are [height, width, outChannels, inChannels].
      const deconv = (name: string, outputs: number, inputs: number): DenseParameters => ({
        kernel: p.glorot(`${name}/kernel`, [3, 3, outputs, inputs], 9 * inputs, 9 * outputs),
        bias: p.constant(`${name}/bias`, [outputs]),
      });
      this.decoderConv.push(deconv('decoder/deconv0', f0, f1));
      this.decoderConv.push(deconv('decoder/deconv1', f0, f0));
      this.decoderHead = p.conv2d('decoder/head', [3, 3], f0, c * this.parametersPerElement);
    }
    this.optimizer = tf.train.adam(o.learningRate);
  }

  private activate(x: tf.Tensor): tf.Tensor {
    return this.options.activation === 'tanh' ? tf.tanh(x) : tf.relu(x);
  }

  private checkInput(x: tf.Tensor, name: string): void {
    const expected = [null, ...this.options.inputShape];
    if (!x || !Array.isArray(x.shape) || x.shape.length !== expected.length || this.options.inputShape.some((d, i) => x.shape[i + 1] !== d)) {
      throw new ShapeError(name, `shape [*, ${this.options.inputShape.join(', ')}]`, x?.shape ?? x);
    }
  }

  /** The posterior q(z | x): mean and log-variance, each `[batch, latentDim]`. */
  encode(x: tf.Tensor): { mean: tf.Tensor2D; logVariance: tf.Tensor2D } {
    this.checkInput(x, 'x');
    const [mean, logVariance] = tf.tidy(() => {
      let h: tf.Tensor = tf.cast(x, 'float32');
      if (this.options.encoder === 'conv') {
        for (const conv of this.encoderConv) h = tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, conv.kernel as tf.Tensor4D, 2, 'same'), conv.bias));
      }
      h = tf.reshape(h, [x.shape[0], -1]);
      for (const layer of this.encoderDense) h = this.activate(applyDense(h, layer));
      const head = applyDense(h, this.encoderHead);
      return tf.split(head, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    });
    return { mean, logVariance };
  }

  /** Decoder parameters for latent codes `[n, latentDim]`: shape `[n, ...inputShape, parametersPerElement]`. */
  decodeParameters(z: tf.Tensor): tf.Tensor {
    expectShapeLatent(z, this.options.latentDim);
    return tf.tidy(() => {
      const n = z.shape[0];
      let h: tf.Tensor = z;
      if (this.options.encoder === 'mlp') {
        for (const layer of this.decoderDense) h = this.activate(applyDense(h, layer));
        h = applyDense(h, this.decoderHead);
      } else {
        const [height, width] = this.options.inputShape;
        const [, f1] = this.options.convFilters;
        h = this.activate(applyDense(h, this.decoderDense[0]));
        h = tf.relu(applyDense(h, this.decoderDense[1]));
        h = tf.reshape(h, [n, height / 4, width / 4, f1]);
        const [up0, up1] = this.decoderConv;
        h = tf.relu(tf.add(tf.conv2dTranspose(h as tf.Tensor4D, up0.kernel as tf.Tensor4D, [n, height / 2, width / 2, up0.kernel.shape[2] as number], 2, 'same'), up0.bias));
        h = tf.relu(tf.add(tf.conv2dTranspose(h as tf.Tensor4D, up1.kernel as tf.Tensor4D, [n, height, width, up1.kernel.shape[2] as number], 2, 'same'), up1.bias));
        h = tf.add(tf.conv2d(h as tf.Tensor4D, this.decoderHead.kernel as tf.Tensor4D, 1, 'same'), this.decoderHead.bias);
      }
      return tf.reshape(h, [n, ...this.options.inputShape, this.parametersPerElement]);
    });
  }

  /** `log p(x | z)` per example for decoder parameters from {@link decodeParameters}; shape `[n]`. */
  logLikelihoodGivenParameters(x: tf.Tensor, parameters: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const xs = tf.cast(x, 'float32');
      const last = parameters.rank - 1;
      switch (this.options.decoder) {
        case 'bernoulli':
          return bernoulliLogLikelihood(xs, tf.squeeze(parameters, [last]));
        case 'gaussian': {
          const [mean, logVariance] = tf.split(parameters, 2, last).map((t) => tf.squeeze(t, [last]));
          return gaussianLogLikelihood(xs, mean, logVariance);
        }
        default: {
          const [means, logScales, logits] = tf.split(parameters, 3, last);
          return discretizedLogisticMixtureLogLikelihood(xs, { means, logScales, logits });
        }
      }
    });
  }

  /** The decoder's mean in data space (probabilities for Bernoulli), shape `[n, ...inputShape]`. */
  decode(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const parameters = this.decodeParameters(z);
      const last = parameters.rank - 1;
      switch (this.options.decoder) {
        case 'bernoulli':
          return tf.sigmoid(tf.squeeze(parameters, [last]));
        case 'gaussian':
          return tf.squeeze(tf.slice(parameters, new Array(parameters.rank).fill(0), [...parameters.shape.slice(0, -1), 1]), [last]);
        default: {
          const [means, , logits] = tf.split(parameters, 3, last);
          const weights = tf.softmax(logits);
          return tf.clipByValue(tf.sum(tf.mul(weights, means), last), -1, 1);
        }
      }
    });
  }

  /**
   * Log importance weights `log p(x, z_i) - log q(z_i | x)` for `samples` draws z_i ~ q(z | x):
   * shape `[samples, batch]`. Their log-mean-exp is the IWAE bound; their mean is an ELBO estimate.
   */
  logImportanceWeights(x: tf.Tensor, samples: number, seed: number): tf.Tensor2D {
    this.checkInput(x, 'x');
    expectInteger(samples, 'samples', 1);
    return tf.tidy(() => {
      const batch = x.shape[0];
      const latent = this.options.latentDim;
      const { mean, logVariance } = this.encode(x);
      const eps = tf.randomNormal([samples, batch, latent], 0, 1, 'float32', seed);
      const std = tf.exp(tf.mul(0.5, logVariance));
      const z = tf.reshape(tf.add(mean, tf.mul(std, eps)), [samples * batch, latent]);
      const tiledMean = tf.reshape(tf.tile(tf.expandDims(mean, 0), [samples, 1, 1]), [samples * batch, latent]);
      const tiledLogVar = tf.reshape(tf.tile(tf.expandDims(logVariance, 0), [samples, 1, 1]), [samples * batch, latent]);
      const xTiled = tf.reshape(tf.tile(tf.expandDims(x, 0), [samples, ...new Array(x.rank).fill(1)]), [samples * batch, ...x.shape.slice(1)]);
      const logPxGivenZ = this.logLikelihoodGivenParameters(xTiled, this.decodeParameters(z));
      const zeros = tf.zerosLike(z);
      const logPz = gaussianLogLikelihood(z, zeros, zeros);
      const logQ = gaussianLogLikelihood(z, tiledMean, tiledLogVar);
      return tf.reshape(tf.sub(tf.add(logPxGivenZ, logPz), logQ), [samples, batch]) as tf.Tensor2D;
    });
  }

  /**
   * Importance-sampled estimate of `log p(x)` in nats per example (the IWAE bound with k = `samples`,
   * a lower bound that tightens as k grows). Samples are drawn in chunks of `chunkSize`, so memory
   * stays bounded for k up to 5000. Returns shape `[batch]`.
   */
  logLikelihood(x: tf.Tensor, options: LogLikelihoodOptions = {}): tf.Tensor1D {
    this.checkInput(x, 'x');
    const samples = expectInteger(options.samples ?? 1000, 'options.samples', 1, 100_000);
    const chunkSize = expectInteger(options.chunkSize ?? 100, 'options.chunkSize', 1);
    const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
    const chunks: tf.Tensor[] = [];
    try {
      for (let done = 0; done < samples; done += chunkSize) {
        const size = Math.min(chunkSize, samples - done);
        chunks.push(this.logImportanceWeights(x, size, rng.tfSeed()));
      }
      return tf.tidy(() => logMeanExp(chunks.length === 1 ? chunks[0] : tf.concat(chunks, 0), 0)) as tf.Tensor1D;
    } finally {
      tf.dispose(chunks);
    }
  }

  /** A one-sample ELBO estimate per example (analytic KL), shape `[batch]`. */
  elbo(x: tf.Tensor, rng: Rng | number = 0): tf.Tensor1D {
    const generator = rng instanceof Rng ? rng : new Rng(rng);
    return tf.tidy(() => {
      const terms = this.elboTerms(x, generator.tfSeed());
      return tf.sub(terms.reconstruction, terms.kl) as tf.Tensor1D;
    });
  }

  private elboTerms(x: tf.Tensor, seed: number): { reconstruction: tf.Tensor1D; kl: tf.Tensor1D } {
    this.checkInput(x, 'x');
    const { mean, logVariance } = this.encode(x);
    const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', seed);
    const z = tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVariance)), eps));
    const reconstruction = this.logLikelihoodGivenParameters(x, this.decodeParameters(z));
    const kl = klStandardNormal(mean, logVariance);
    return { reconstruction, kl };
  }

  /**
   * One Adam step on a batch (`batch.x` of shape `[batch, ...inputShape]`). Metrics: `loss` (the
   * minimized negative bound), `elbo`, `kl` and `reconstruction` (ELBO objective) or `iwae` and
   * `elbo` (IWAE objective), all in nats per example.
   */
  trainStep(batch: Batch, context: StepContext): StepMetrics {
    const x = batch.x;
    this.checkInput(x, 'batch.x');
    const seed = context.rng.tfSeed();
    const { objective, beta, k } = this.options;
    let extra: tf.Tensor[] = [];
    const loss = this.optimizer.minimize(
      () => {
        if (objective === 'elbo') {
          const { reconstruction, kl } = this.elboTerms(x, seed);
          const meanReconstruction = tf.mean(reconstruction);
          const meanKl = tf.mean(kl);
          extra = [tf.keep(meanReconstruction), tf.keep(meanKl)];
          return tf.neg(tf.sub(meanReconstruction, tf.mul(beta, meanKl))) as tf.Scalar;
        }
        const logWeights = this.logImportanceWeights(x, k, seed);
        extra = [tf.keep(tf.mean(logWeights))];
        return tf.neg(tf.mean(iwaeBound(logWeights))) as tf.Scalar;
      },
      true,
      this.params.list(),
    )!;
    const lossValue = loss.dataSync()[0];
    const values = extra.map((t) => t.dataSync()[0]);
    tf.dispose([loss, ...extra]);
    if (objective === 'elbo') {
      const [reconstruction, kl] = values;
      return { loss: lossValue, elbo: reconstruction - kl, kl, reconstruction };
    }
    return { loss: lossValue, iwae: -lossValue, elbo: values[0] };
  }

  /** Images for sample callbacks: decoder means of z ~ N(0, I), NHWC in [-1, 1]. */
  sample(count: number, rng: Rng): tf.Tensor4D {
    expectInteger(count, 'count', 1);
    return tf.tidy(() => {
      const z = tf.randomNormal([count, this.options.latentDim], 0, 1, 'float32', rng.tfSeed());
      return this.toImages(this.decode(z));
    });
  }

  /** Decoder means of the posterior means: `decode(encode(x).mean)`, shape `[batch, ...inputShape]`. */
  reconstruct(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.decode(this.encode(x).mean));
  }

  /**
   * Decodes `steps` evenly spaced points on the line between the posterior means of `a` and `b`
   * (each one example, with or without a batch axis); shape `[steps, ...inputShape]`.
   */
  interpolate(a: tf.Tensor, b: tf.Tensor, steps: number): tf.Tensor {
    expectInteger(steps, 'steps', 2);
    return tf.tidy(() => {
      const one = (t: tf.Tensor, name: string) => {
        const batched = t.rank === this.options.inputShape.length ? tf.expandDims(t, 0) : t;
        this.checkInput(batched, name);
        if (batched.shape[0] !== 1) throw new ShapeError(name, 'one example', t.shape);
        return this.encode(batched).mean;
      };
      const za = one(a, 'a');
      const zb = one(b, 'b');
      const weights = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
      const z = tf.add(tf.mul(tf.sub(1, weights), za), tf.mul(weights, zb));
      return this.decode(z);
    });
  }

  /**
   * For a 2-D latent space: decodes a `size` x `size` grid of z in `[-range, range]^2` and tiles the
   * decoder means into one image `[size * height, size * width, channels]` in data space
   * (the familiar MNIST manifold picture).
   */
  latentGrid(options: { size?: number; range?: number } = {}): tf.Tensor3D {
    if (this.options.latentDim !== 2) throw new ArgumentError('latentDim', '2 for a latent grid', this.options.latentDim);
    const size = expectInteger(options.size ?? 10, 'options.size', 1, 100);
    const range = expectNumber(options.range ?? 2, 'options.range', 0, Infinity, true);
    const [h, w, c] = this.imageShape();
    return tf.tidy(() => {
      const axis = size === 1 ? tf.zeros([1]) : tf.linspace(-range, range, size);
      // Row r shows z2 decreasing from top to bottom; column c shows z1 increasing.
      const z1 = tf.tile(tf.reshape(axis, [1, size]), [size, 1]);
      const z2 = tf.tile(tf.reshape(tf.reverse(axis), [size, 1]), [1, size]);
      const z = tf.stack([tf.reshape(z1, [-1]), tf.reshape(z2, [-1])], 1);
      const images = tf.reshape(this.decode(z), [size, size, h, w, c]);
      return tf.reshape(tf.transpose(images, [0, 2, 1, 3, 4]), [size * h, size * w, c]) as tf.Tensor3D;
    });
  }

  private imageShape(): [number, number, number] {
    const shape = this.options.inputShape;
    if (shape.length === 3) return [shape[0], shape[1], shape[2]];
    const side = Math.round(Math.sqrt(shape[0]));
    return side * side === shape[0] ? [side, side, 1] : [1, shape[0], 1];
  }

  private toImages(decoded: tf.Tensor): tf.Tensor4D {
    const [h, w, c] = this.imageShape();
    const images = tf.reshape(decoded, [decoded.shape[0], h, w, c]);
    if (this.options.decoder === 'discretizedLogistic') return tf.clipByValue(images, -1, 1) as tf.Tensor4D;
    return tf.clipByValue(tf.sub(tf.mul(images, 2), 1), -1, 1) as tf.Tensor4D;
  }

  /** Every weight, with stable names (`encoder/dense0/kernel`, ...). */
  stateVariables(): StateVariable[] {
    return this.params.stateVariables();
  }

  /** The Adam optimizer, under the role `model`. */
  optimizers(): Record<string, tf.Optimizer> {
    return { model: this.optimizer };
  }

  /** The options that rebuild this model. */
  config(): JsonObject {
    const o = this.options;
    return { ...o, inputShape: [...o.inputShape], hiddenUnits: [...o.hiddenUnits], convFilters: [...o.convFilters] };
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.params.count();
  }

  /** Config and weights as plain arrays; {@link loadVae} rebuilds the model. */
  save(): SavedModel {
    return { kind: this.kind, config: this.config(), weights: readWeights(this.stateVariables()) };
  }

  /** Frees the weights and optimizer state. */
  dispose(): void {
    this.params.dispose();
    this.optimizer.dispose();
  }
}

function expectShapeLatent(z: tf.Tensor, latentDim: number): void {
  if (!z || !Array.isArray(z.shape) || z.rank !== 2 || z.shape[1] !== latentDim) {
    throw new ShapeError('z', `shape [*, ${latentDim}]`, z?.shape ?? z);
  }
}

/** Builds a {@link Vae}; see {@link VaeOptions}. */
export function createVae(options: VaeOptions): Vae {
  return new Vae(options);
}

/** Rebuilds a VAE from {@link Vae.save}'s output. */
export function loadVae(saved: SavedModel): Vae {
  if (!saved || saved.kind !== 'vae') throw new ArgumentError('saved.kind', '"vae"', saved?.kind);
  const vae = new Vae(saved.config as unknown as VaeOptions);
  writeWeights(vae.stateVariables(), saved.weights, 'saved VAE');
  return vae;
}
