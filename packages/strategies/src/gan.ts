import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  ArgumentError,
  expectInteger,
  expectNumber,
  expectOneOf,
  Rng,
  registerSecondOrderGradients,
  ShapeError,
  stateOfVariables,
  type Batch,
  type JsonObject,
  type StateVariable,
  type StepContext,
  type StepMetrics,
  type TrainableModel,
} from '@tfgen/core';
import { ModelEma } from './ema';
import { functionalMlp, type FunctionalMlp } from './functional-mlp';
import { resolveGanVariant, type GanVariant, type ResolvedGanVariant } from './gan-variant';
import { createOptimizer, optimizerSpecToJson, type OptimizerSpec } from './optimizers';
import { pack } from './packing';
import { getLearningRate, setLearningRate, type LearningRateSchedule } from './schedules';
import { addInstanceNoise, clipWeights, instanceNoiseStd, smoothedDiscriminatorLoss } from './stabilizers';
import { stopGradient } from './stop-gradient';
import { unrollDiscriminator } from './unrolled';

registerSecondOrderGradients();

/** Options of {@link createGan}: the two networks, the variant, and the strategies that wrap the step. */
export interface CreateGanOptions {
  /** Maps `z` (`[batch, latentDim]`), or `[z, labels]` when conditional, to samples. */
  generator: tfl.LayersModel;
  /** Maps samples (packed when `packing > 1`), or `[x, labels]` when conditional, to logits `[batch, 1]`; AC-GAN: to `[logits, classLogits]`. */
  discriminator: tfl.LayersModel;
  latentDim: number;
  variant: GanVariant;
  /** Latent prior (default `normal`). */
  latentDistribution?: 'normal' | 'uniform';
  /** Override the variant's optimizers (specs or tfjs optimizers): TTUR is `{ generator: 1e-4, discriminator: 4e-4 }` rates. */
  optimizers?: { generator?: OptimizerSpec | tf.Optimizer; discriminator?: OptimizerSpec | tf.Optimizer };
  /** Per-network learning-rate schedules, indexed by the step of the run; set on the optimizer before each step. */
  learningRateSchedules?: { generator?: LearningRateSchedule; discriminator?: LearningRateSchedule };
  /** Override the variant's discriminator steps per generator step. */
  discriminatorSteps?: number;
  /**
   * Each critic step after the first trains on a fresh real batch drawn through the Trainer's
   * `context.nextBatch` (default true, as in Gulrajani et al.'s and most reference WGAN-GP code);
   * false reuses the step's batch for every critic step. Without `nextBatch` (a hand-called
   * `trainStep`) the step's batch is reused.
   */
  freshRealBatches?: boolean;
  /**
   * Unrolled GAN (Metz et al. 2016). MLP discriminators only (see {@link functionalMlp}). Without
   * `learningRate` the unrolled steps use the discriminator optimizer's learning rate of the current
   * step (so they follow `learningRateSchedules.discriminator`).
   */
  unrolled?: { steps: number; learningRate?: number; optimizer?: 'sgd' | 'adam'; secondOrder?: boolean };
  /** PacGAN: the discriminator sees `packing` samples at once (build it for the packed shape). */
  packing?: number;
  /** Exponential moving average of the generator's weights; `sample` uses it. */
  ema?: { decay: number };
  /** One-sided label smoothing: the real target of the sigmoid cross-entropy (e.g. 0.9). Minimax / non-saturating only. */
  labelSmoothing?: number;
  /** Gaussian instance noise added to the discriminator's inputs, std annealed linearly to 0 over `annealSteps`. */
  instanceNoise?: { std: number; annealSteps: number };
  /** Weight clipping of the critic (original WGAN); overrides the variant's. */
  weightClip?: number;
  /** Class-conditional models: labels come from `batch.y` (int class ids); fakes get uniformly drawn labels. */
  conditional?: { numClasses: number };
  /** AC-GAN: the discriminator's second output is class logits; `weight` times its cross-entropy is added to both losses. */
  auxiliaryClassifier?: { weight?: number };
  /** Checkpoint kind (default `gan/<variant name>`). */
  kind?: string;
}

/** A GAN ready for the core Trainer, plus a few extras. */
export interface Gan extends TrainableModel {
  readonly generator: tfl.LayersModel;
  readonly discriminator: tfl.LayersModel;
  readonly variant: ResolvedGanVariant;
  /** EMA of the generator weights, when enabled. */
  readonly ema: ModelEma | null;
  /** One synchronous step: D steps, then a G step (see {@link createGan}). */
  trainStep(batch: Batch, context: StepContext): StepMetrics;
  /** Samples from the generator (EMA weights when enabled); `labels` (class ids) for conditional models. */
  sample(count: number, rng: Rng, labels?: ArrayLike<number>): tf.Tensor;
  /** Frees the optimizers and the EMA copy (not the networks). */
  dispose(): void;
}

type LabelFormat = { kind: 'oneHot'; numClasses: number } | { kind: 'column' } | { kind: 'vector' };

function labelFormat(model: tfl.LayersModel, which: string, numClasses: number): LabelFormat {
  if (model.inputs.length !== 2) {
    throw new ArgumentError(`${which}.inputs`, 'two inputs [data, labels] for a conditional GAN', model.inputs.length);
  }
  const shape = model.inputs[1].shape;
  if (shape.length === 2 && shape[1] === numClasses && numClasses > 1) return { kind: 'oneHot', numClasses };
  if (shape.length === 2 && shape[1] === 1) return { kind: 'column' };
  if (shape.length === 1) return { kind: 'vector' };
  throw new ShapeError(`${which}.inputs[1]`, `[batch, ${numClasses}] (one-hot), [batch, 1] or [batch] (class ids)`, shape);
}

function labelTensor(ids: Int32Array, format: LabelFormat): tf.Tensor {
  return tf.tidy(() => {
    const t = tf.tensor1d(ids, 'int32');
    if (format.kind === 'oneHot') return tf.cast(tf.oneHot(t, format.numClasses), 'float32');
    if (format.kind === 'column') return tf.reshape(tf.cast(t, 'float32'), [-1, 1]);
    return tf.cast(t, 'float32');
  });
}

function crossEntropy(classLogits: tf.Tensor, ids: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const logits = classLogits as tf.Tensor2D;
    const picked = tf.sum(tf.mul(logits, tf.oneHot(ids as tf.Tensor1D, logits.shape[1])), 1);
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), picked)) as tf.Scalar;
  });
}

/**
 * Composes a GAN step from a variant and strategies into a {@link TrainableModel}
 * for the core Trainer. Each `trainStep` runs `discriminatorSteps` critic updates
 * (fresh latents each; fresh real batches from `context.nextBatch`, see
 * {@link CreateGanOptions.freshRealBatches}), then one generator update on the step's batch, and
 * returns `loss/discriminator`, `loss/generator`, each regularizer's value under
 * its name (e.g. `penalty/gradient`), `loss/auxiliary` (AC-GAN),
 * `noise/std` (instance noise) and the learning rates `lr/generator`, `lr/discriminator`.
 *
 * ```ts
 * const gan = createGan({ generator: G, discriminator: D, latentDim: 64, variant: wganGp() });
 * await new Trainer(gan, { seed: 1 }).fit(data, { steps: 1000 });
 * ```
 */
export function createGan(options: CreateGanOptions): Gan {
  if (!options || typeof options !== 'object') throw new ArgumentError('options', 'a CreateGanOptions object', options);
  const { generator: G, discriminator: D } = options;
  if (!G || typeof (G as { apply?: unknown }).apply !== 'function' || !Array.isArray(G.weights)) throw new ArgumentError('generator', 'a tfjs-layers LayersModel', G);
  if (!D || typeof (D as { apply?: unknown }).apply !== 'function' || !Array.isArray(D.weights)) throw new ArgumentError('discriminator', 'a tfjs-layers LayersModel', D);
  const latentDim = expectInteger(options.latentDim, 'latentDim', 1);
  const variant = resolveGanVariant(options.variant);
  const latentDistribution = expectOneOf(options.latentDistribution ?? 'normal', 'latentDistribution', ['normal', 'uniform'] as const);
  const discriminatorSteps = expectInteger(options.discriminatorSteps ?? variant.discriminatorSteps, 'discriminatorSteps', 1);
  const packing = expectInteger(options.packing ?? 1, 'packing', 1);
  const freshRealBatches = options.freshRealBatches ?? true;
  if (typeof freshRealBatches !== 'boolean') throw new ArgumentError('freshRealBatches', 'a boolean', freshRealBatches);
  const weightClip = options.weightClip != null ? expectNumber(options.weightClip, 'weightClip', 0, Infinity, true) : variant.weightClip;
  const labelSmoothing = options.labelSmoothing != null ? expectNumber(options.labelSmoothing, 'labelSmoothing', 0, 1) : null;
  if (labelSmoothing !== null && variant.lossName !== 'minimax' && variant.lossName !== 'nonSaturating') {
    throw new ArgumentError('labelSmoothing', 'a variant with the minimax or nonSaturating loss (sigmoid cross-entropy)', variant.lossName ?? 'custom loss');
  }
  if (options.instanceNoise) instanceNoiseStd(0, options.instanceNoise);
  const numClasses = options.conditional ? expectInteger(options.conditional.numClasses, 'conditional.numClasses', 2) : 0;
  const auxiliaryWeight = options.auxiliaryClassifier ? expectNumber(options.auxiliaryClassifier.weight ?? 1, 'auxiliaryClassifier.weight', 0) : 0;
  if (options.auxiliaryClassifier && !options.conditional) {
    throw new ArgumentError('auxiliaryClassifier', 'used with `conditional` (labels are needed)', options.auxiliaryClassifier);
  }
  const auxiliary = options.auxiliaryClassifier != null;
  if (auxiliary && D.outputs.length !== 2) throw new ArgumentError('discriminator.outputs', 'two outputs [logits, classLogits] for AC-GAN', D.outputs.length);
  if (!auxiliary && D.outputs.length !== 1) throw new ArgumentError('discriminator.outputs', 'one output (logits)', D.outputs.length);
  if (packing > 1 && options.conditional) throw new ArgumentError('packing', '1 with conditional models (packing conditional GANs is not supported)', packing);
  const generatorLabels = options.conditional ? labelFormat(G, 'generator', numClasses) : null;
  // AC-GAN discriminators may take only x; then labels are not fed to D.
  const discriminatorLabels =
    options.conditional && !(auxiliary && D.inputs.length === 1) ? labelFormat(D, 'discriminator', numClasses) : null;
  // learningRate null: the discriminator optimizer's rate at each step (a schedule moves it).
  let unroll: { mlp: FunctionalMlp; steps: number; learningRate: number | null; optimizer: 'sgd' | 'adam'; secondOrder: boolean } | null = null;
  if (options.unrolled) {
    if (options.conditional) throw new ArgumentError('unrolled', 'an unconditional GAN (the functional forward covers single-input MLPs)', options.unrolled);
    const mlp = functionalMlp(D);
    unroll = {
      mlp,
      steps: expectInteger(options.unrolled.steps, 'unrolled.steps', 1),
      learningRate: options.unrolled.learningRate == null ? null : expectNumber(options.unrolled.learningRate, 'unrolled.learningRate', 0, Infinity, true),
      optimizer: options.unrolled.optimizer ?? 'sgd',
      secondOrder: options.unrolled.secondOrder ?? true,
    };
  }
  const generatorOptimizer = createOptimizer(options.optimizers?.generator ?? variant.optimizers.generator, 'optimizers.generator');
  const discriminatorOptimizer = createOptimizer(options.optimizers?.discriminator ?? variant.optimizers.discriminator, 'optimizers.discriminator');
  const ema = options.ema ? new ModelEma(G, options.ema.decay) : null;
  const schedules = options.learningRateSchedules ?? {};
  const kind = options.kind ?? `gan/${variant.name}`;

  const drawLatent = (count: number, rng: Rng): tf.Tensor2D =>
    tf.tensor2d(latentDistribution === 'normal' ? rng.normalArray(count * latentDim) : rng.uniformArray(count * latentDim, -1, 1), [count, latentDim]);
  const drawIds = (count: number, rng: Rng): Int32Array => Int32Array.from({ length: count }, () => rng.int(numClasses));

  const generate = (z: tf.Tensor, ids: Int32Array | null, training: boolean): tf.Tensor =>
    tf.tidy(() => {
      const inputs = ids && generatorLabels ? [z, labelTensor(ids, generatorLabels)] : z;
      return G.apply(inputs, { training }) as tf.Tensor;
    });

  /** D on (noisy, packed) inputs: [logits, classLogits | null]. */
  const discriminate = (x: tf.Tensor, ids: Int32Array | null): [tf.Tensor, tf.Tensor | null] => {
    const inputs = ids && discriminatorLabels ? [x, labelTensor(ids, discriminatorLabels)] : x;
    const out = D.apply(inputs, { training: true });
    return Array.isArray(out) ? [out[0] as tf.Tensor, out[1] as tf.Tensor] : [out as tf.Tensor, null];
  };

  const prepare = (x: tf.Tensor, noiseStd: number, rng: Rng): tf.Tensor =>
    tf.tidy(() => {
      const noisy = noiseStd > 0 ? addInstanceNoise(x, noiseStd, rng) : x;
      // Always a new tensor: the caller disposes it, never the batch.
      return packing > 1 ? pack(noisy, packing) : noisy === x ? x.clone() : noisy;
    });

  const discriminatorLossOf = (real: tf.Tensor, fake: tf.Tensor): tf.Scalar =>
    labelSmoothing !== null ? smoothedDiscriminatorLoss(real, fake, labelSmoothing) : variant.discriminatorLoss(real, fake);

  function readMetrics(names: string[], values: tf.Tensor[]): StepMetrics {
    const data = tf.tidy(() => tf.stack(values.map((v) => tf.reshape(v, []))).dataSync());
    tf.dispose(values);
    const out: StepMetrics = {};
    names.forEach((n, i) => (out[n] = data[i]));
    return out;
  }

  function discriminatorStep(real: tf.Tensor, realIds: Int32Array | null, rng: Rng, step: number, noiseStd: number): StepMetrics {
    const batch = real.shape[0];
    const fakeIds = realIds ? drawIds(batch, rng) : null;
    const fake = tf.tidy(() => generate(drawLatent(batch, rng), fakeIds, true));
    const realIn = prepare(real, noiseStd, rng);
    const fakeIn = prepare(fake, noiseStd, rng);
    const names: string[] = ['loss/discriminator'];
    const kept: tf.Tensor[] = [];
    const variables = D.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => {
      const [realLogits, realClasses] = discriminate(realIn, realIds);
      const [fakeLogits, fakeClasses] = discriminate(fakeIn, fakeIds);
      let total = discriminatorLossOf(realLogits, fakeLogits);
      kept.push(tf.keep(total.clone()));
      if (auxiliary && realClasses && fakeClasses && realIds && fakeIds) {
        const aux = tf.add(crossEntropy(realClasses, tf.tensor1d(realIds, 'int32')), crossEntropy(fakeClasses, tf.tensor1d(fakeIds, 'int32')));
        names.push('loss/auxiliary');
        kept.push(tf.keep(aux.clone()));
        total = tf.add(total, tf.mul(auxiliaryWeight, aux));
      }
      for (const regularizer of variant.regularizers) {
        const critic = (x: tf.Tensor) => discriminate(x, realIds)[0];
        const penalty = regularizer.apply({ critic, real: realIn, fake: fakeIn, rng, step });
        names.push(regularizer.name);
        kept.push(tf.keep(penalty.clone()));
        total = tf.add(total, tf.mul(regularizer.weight, penalty));
      }
      return total as tf.Scalar;
    }, variables);
    discriminatorOptimizer.applyGradients(grads);
    tf.dispose([value, fake, realIn, fakeIn, ...Object.values(grads)]);
    if (weightClip !== null) clipWeights(D, weightClip);
    return readMetrics(names, kept);
  }

  function generatorStep(batch: number, realBatch: tf.Tensor, realIds: Int32Array | null, rng: Rng, noiseStd: number): StepMetrics {
    const fakeIds = realIds ? drawIds(batch, rng) : null;
    const z = drawLatent(batch, rng);
    const realIn = variant.generatorNeedsRealLogits || unroll ? prepare(realBatch, noiseStd, rng) : null;
    const names = ['loss/generator'];
    const kept: tf.Tensor[] = [];
    const variables = G.trainableWeights.map((w) => w.read() as tf.Variable);
    const noiseSeed = noiseStd > 0 ? rng.fork('generator-noise').getState() : null;
    // The same noise for the unrolled fakes and the final fakes.
    const noisyFake = (fake: tf.Tensor) => {
      const noisy = noiseSeed ? addInstanceNoise(fake, noiseStd, Rng.fromState(noiseSeed)) : fake;
      return packing > 1 ? pack(noisy, packing) : noisy;
    };
    let constantWeights: tf.Tensor[] | null = null;
    const unrollRate = unroll ? (unroll.learningRate ?? getLearningRate(discriminatorOptimizer)) : 0;
    if (unroll && !unroll.secondOrder) {
      const u = { ...unroll, learningRate: unrollRate };
      // First-order surrogate: unroll D on detached fakes, outside the generator's tape.
      constantWeights = tf.tidy(() => {
        const fakeIn = noisyFake(generate(z, null, true));
        return unrollDiscriminator(u.mlp.variables, (ws) => discriminatorLossOf(u.mlp.forward(ws, realIn!), u.mlp.forward(ws, fakeIn)), u);
      });
    }
    const { value, grads } = tf.variableGrads(() => {
      const fakeIn = noisyFake(generate(z, fakeIds, true));
      let loss: tf.Scalar;
      if (unroll) {
        const u = { ...unroll, learningRate: unrollRate };
        const weights =
          constantWeights ??
          unrollDiscriminator(u.mlp.variables, (ws) => discriminatorLossOf(u.mlp.forward(ws, realIn!), u.mlp.forward(ws, fakeIn)), u);
        const fakeLogits = u.mlp.forward(weights, fakeIn);
        loss = variant.generatorNeedsRealLogits ? variant.generatorLoss(fakeLogits, u.mlp.forward(weights, realIn!)) : variant.generatorLoss(fakeLogits);
      } else {
        const [fakeLogits, fakeClasses] = discriminate(fakeIn, fakeIds);
        const realLogits = variant.generatorNeedsRealLogits ? stopGradient(discriminate(realIn!, realIds)[0]) : undefined;
        loss = variant.generatorLoss(fakeLogits, realLogits);
        if (auxiliary && fakeClasses && fakeIds) {
          const aux = crossEntropy(fakeClasses, tf.tensor1d(fakeIds, 'int32'));
          kept.push(tf.keep(loss.clone()));
          names.push('loss/auxiliaryGenerator');
          kept.push(tf.keep(aux.clone()));
          return tf.add(loss, tf.mul(auxiliaryWeight, aux)) as tf.Scalar;
        }
      }
      kept.push(tf.keep(loss.clone()));
      return loss;
    }, variables);
    generatorOptimizer.applyGradients(grads);
    tf.dispose([value, z, ...(realIn ? [realIn] : []), ...(constantWeights ?? []), ...Object.values(grads)]);
    return readMetrics(names, kept);
  }

  function expectBatch(batch: Batch, name: string): Batch {
    if (!batch || !(batch.x instanceof tf.Tensor)) throw new ArgumentError(`${name}.x`, 'a tensor', batch?.x);
    if (batch.x.shape[0] % packing !== 0) throw new ShapeError(`${name}.x`, `a batch size divisible by packing ${packing}`, batch.x.shape[0]);
    return batch;
  }

  function labelsOf(batch: Batch): Int32Array | null {
    if (!options.conditional) return null;
    if (!batch.y) throw new ArgumentError('batch.y', 'class labels for a conditional GAN', batch.y);
    const ids = Int32Array.from(batch.y.dataSync());
    if (ids.length !== batch.x.shape[0]) throw new ShapeError('batch.y', `${batch.x.shape[0]} labels (one per example)`, batch.y.shape);
    for (const id of ids) if (!(id >= 0 && id < numClasses)) throw new ArgumentError('batch.y', `class ids in [0, ${numClasses - 1}]`, id);
    return ids;
  }

  const gan: Gan = {
    kind,
    generator: G,
    discriminator: D,
    variant,
    ema,
    trainStep(batch: Batch, context: StepContext): StepMetrics {
      expectBatch(batch, 'batch');
      const { step, rng } = context;
      const size = batch.x.shape[0];
      if (schedules.generator) setLearningRate(generatorOptimizer, schedules.generator(step));
      if (schedules.discriminator) setLearningRate(discriminatorOptimizer, schedules.discriminator(step));
      const ids = labelsOf(batch);
      const noiseStd = options.instanceNoise ? instanceNoiseStd(step, options.instanceNoise) : 0;
      let dMetrics: StepMetrics = {};
      for (let i = 0; i < discriminatorSteps; i++) {
        // The Trainer disposes batches drawn through nextBatch.
        const real = i === 0 || !freshRealBatches || !context.nextBatch ? batch : expectBatch(context.nextBatch(), 'context.nextBatch()');
        dMetrics = discriminatorStep(real.x, real === batch ? ids : labelsOf(real), rng, step, noiseStd);
      }
      const gMetrics = generatorStep(size, batch.x, ids, rng, noiseStd);
      if (ema) ema.update();
      const metrics: StepMetrics = { ...dMetrics, ...gMetrics };
      const lr = (o: tf.Optimizer) => (o as unknown as { learningRate?: number }).learningRate;
      if (typeof lr(generatorOptimizer) === 'number') metrics['lr/generator'] = lr(generatorOptimizer)!;
      if (typeof lr(discriminatorOptimizer) === 'number') metrics['lr/discriminator'] = lr(discriminatorOptimizer)!;
      if (options.instanceNoise) metrics['noise/std'] = noiseStd;
      return metrics;
    },
    stateVariables(): StateVariable[] {
      return [...stateOfVariables('generator', G), ...stateOfVariables('discriminator', D), ...(ema ? ema.stateVariables('generatorEma') : [])];
    },
    optimizers() {
      return { generator: generatorOptimizer, discriminator: discriminatorOptimizer };
    },
    sample(count: number, rng: Rng, labels?: ArrayLike<number>): tf.Tensor {
      expectInteger(count, 'count', 1);
      if (!(rng instanceof Rng)) throw new ArgumentError('rng', 'an Rng', rng);
      let ids: Int32Array | null = null;
      if (options.conditional) {
        ids = labels ? Int32Array.from(labels) : drawIds(count, rng);
        if (ids.length !== count) throw new ArgumentError('labels', `${count} class ids`, ids.length);
      }
      const run = () => tf.tidy(() => generate(drawLatent(count, rng), ids, false));
      return ema ? ema.withAveragedWeights(run) : run();
    },
    config(): JsonObject {
      return {
        kind,
        variant: variant.name,
        latentDim,
        latentDistribution,
        discriminatorSteps,
        freshRealBatches,
        packing,
        unrolled: unroll ? { steps: unroll.steps, learningRate: unroll.learningRate, optimizer: unroll.optimizer, secondOrder: unroll.secondOrder } : null,
        ema: options.ema ? { decay: options.ema.decay } : null,
        labelSmoothing,
        instanceNoise: options.instanceNoise ? { ...options.instanceNoise } : null,
        weightClip,
        conditional: options.conditional ? { numClasses } : null,
        auxiliaryClassifier: auxiliary ? { weight: auxiliaryWeight } : null,
        optimizers: {
          generator: optimizerSpecToJson(options.optimizers?.generator ?? variant.optimizers.generator),
          discriminator: optimizerSpecToJson(options.optimizers?.discriminator ?? variant.optimizers.discriminator),
        },
        regularizers: variant.regularizers.map((r) => ({ name: r.name, weight: r.weight })),
      };
    },
    dispose() {
      generatorOptimizer.dispose();
      discriminatorOptimizer.dispose();
      ema?.dispose();
    },
  };
  return gan;
}
