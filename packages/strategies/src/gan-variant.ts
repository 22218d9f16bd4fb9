import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@tfgen/core';
import { ArgumentError, expectInteger, expectNumber } from '@tfgen/core';
import type { GanLoss } from '@tfgen/losses';
import { draganPenalty, gradientPenalty, r1Penalty, r2Penalty, type Critic } from './gradient-penalty';
import type { OptimizerSpec } from './optimizers';

/** What a regularizer sees during a discriminator step. */
export interface RegularizerContext {
  /** The discriminator's adversarial output as a function of (packed) inputs, in training mode, labels bound. */
  readonly critic: Critic;
  /** The real batch as the discriminator sees it (after instance noise and packing). */
  readonly real: tf.Tensor;
  /** The generated batch as the discriminator sees it (after instance noise and packing). */
  readonly fake: tf.Tensor;
  /** Draws interpolation weights and perturbations; the run's checkpointed generator. */
  readonly rng: Rng;
  readonly step: number;
}

/**
 * A term added to the discriminator's loss: `weight * apply(context)`, logged
 * under `name` (e.g. `penalty/gradient`). Write your own in a few lines.
 */
export interface Regularizer {
  readonly name: string;
  readonly weight: number;
  /** The unweighted term for one discriminator step. */
  apply(context: RegularizerContext): tf.Scalar;
}

/**
 * A GAN variant is data: the loss pair, the regularizers, the number of
 * discriminator steps per generator step and the optimizers. Give either `loss`
 * (a pair from @tfgen/losses) or both `generatorLoss` and `discriminatorLoss`.
 * Adding a variant takes one small file (see `variants/`).
 */
export interface GanVariant {
  readonly name: string;
  readonly loss?: GanLoss;
  /** The generator's loss over the discriminator's logits (instead of `loss`). */
  readonly generatorLoss?: (fakeLogits: tf.Tensor, realLogits?: tf.Tensor) => tf.Scalar;
  /** The discriminator's loss over real and fake logits (instead of `loss`). */
  readonly discriminatorLoss?: (realLogits: tf.Tensor, fakeLogits: tf.Tensor) => tf.Scalar;
  /** True when `generatorLoss` needs the real logits (relativistic losses). Taken from `loss` when given. */
  readonly generatorNeedsRealLogits?: boolean;
  readonly regularizers?: readonly Regularizer[];
  /** Discriminator (critic) updates per generator update (default 1; 5 for WGAN-GP). */
  readonly discriminatorSteps?: number;
  readonly optimizers?: { readonly generator: OptimizerSpec; readonly discriminator: OptimizerSpec };
  /** Clip every critic weight to [-c, c] after each critic step (original WGAN). */
  readonly weightClip?: number;
}

/** A variant with its loss functions resolved and checked. */
export interface ResolvedGanVariant {
  readonly name: string;
  /** The generator's loss, from `loss.generator` or `generatorLoss`. */
  readonly generatorLoss: (fakeLogits: tf.Tensor, realLogits?: tf.Tensor) => tf.Scalar;
  /** The discriminator's loss, from `loss.discriminator` or `discriminatorLoss`. */
  readonly discriminatorLoss: (realLogits: tf.Tensor, fakeLogits: tf.Tensor) => tf.Scalar;
  readonly generatorNeedsRealLogits: boolean;
  readonly lossName: string | null;
  readonly regularizers: readonly Regularizer[];
  readonly discriminatorSteps: number;
  readonly optimizers: { readonly generator: OptimizerSpec; readonly discriminator: OptimizerSpec };
  readonly weightClip: number | null;
}

const DEFAULT_OPTIMIZERS = {
  generator: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
  discriminator: { kind: 'adam', learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
} as const satisfies { generator: OptimizerSpec; discriminator: OptimizerSpec };

/** Checks a variant and fills in its defaults (Adam 2e-4, beta1 0.5 for both networks; one D step). */
export function resolveGanVariant(variant: GanVariant): ResolvedGanVariant {
  if (!variant || typeof variant !== 'object') throw new ArgumentError('variant', 'a GanVariant object', variant);
  if (typeof variant.name !== 'string' || variant.name === '') throw new ArgumentError('variant.name', 'a non-empty string', variant.name);
  const generatorLoss = variant.generatorLoss ?? (variant.loss ? variant.loss.generator.bind(variant.loss) : undefined);
  const discriminatorLoss = variant.discriminatorLoss ?? (variant.loss ? variant.loss.discriminator.bind(variant.loss) : undefined);
  if (typeof generatorLoss !== 'function' || typeof discriminatorLoss !== 'function') {
    throw new ArgumentError(`variant ${JSON.stringify(variant.name)}`, '`loss` or both `generatorLoss` and `discriminatorLoss`', Object.keys(variant));
  }
  const regularizers = variant.regularizers ?? [];
  regularizers.forEach((r, i) => {
    if (!r || typeof r.apply !== 'function' || typeof r.name !== 'string') throw new ArgumentError(`variant.regularizers[${i}]`, 'a Regularizer { name, weight, apply }', r);
    expectNumber(r.weight, `variant.regularizers[${i}].weight`, 0);
  });
  const names = regularizers.map((r) => r.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new ArgumentError('variant.regularizers', 'unique names', duplicate);
  return {
    name: variant.name,
    generatorLoss,
    discriminatorLoss,
    generatorNeedsRealLogits: variant.generatorNeedsRealLogits ?? variant.loss?.generatorNeedsRealLogits ?? false,
    lossName: variant.loss?.name ?? null,
    regularizers,
    discriminatorSteps: expectInteger(variant.discriminatorSteps ?? 1, 'variant.discriminatorSteps', 1),
    optimizers: variant.optimizers ?? DEFAULT_OPTIMIZERS,
    weightClip: variant.weightClip == null ? null : expectNumber(variant.weightClip, 'variant.weightClip', 0, Infinity, true),
  };
}

/** WGAN-GP's regularizer: `weight * mean((||grad D(x_hat)|| - target)^2)`, logged as `penalty/gradient`. */
export function gradientPenaltyRegularizer(options: { weight?: number; target?: number; oneSided?: boolean } = {}): Regularizer {
  const weight = expectNumber(options.weight ?? 10, 'weight', 0);
  return {
    name: 'penalty/gradient',
    weight,
    apply: ({ critic, real, fake, rng }) => gradientPenalty({ critic, real, fake, rng, target: options.target, oneSided: options.oneSided }),
  };
}

/** R1 (Mescheder et al. 2018) with strength gamma: `gamma / 2 * mean ||grad D(real)||^2`, logged as `penalty/r1`. */
export function r1Regularizer(options: { gamma?: number } = {}): Regularizer {
  const gamma = expectNumber(options.gamma ?? 10, 'gamma', 0);
  return { name: 'penalty/r1', weight: gamma / 2, apply: ({ critic, real }) => r1Penalty({ critic, real }) };
}

/** R2 with strength gamma: `gamma / 2 * mean ||grad D(fake)||^2`, logged as `penalty/r2`. */
export function r2Regularizer(options: { gamma?: number } = {}): Regularizer {
  const gamma = expectNumber(options.gamma ?? 10, 'gamma', 0);
  return { name: 'penalty/r2', weight: gamma / 2, apply: ({ critic, fake }) => r2Penalty({ critic, fake }) };
}

/** DRAGAN's regularizer (weight 10 in the paper), logged as `penalty/dragan`. */
export function draganRegularizer(options: { weight?: number; perturbationScale?: number } = {}): Regularizer {
  const weight = expectNumber(options.weight ?? 10, 'weight', 0);
  return {
    name: 'penalty/dragan',
    weight,
    apply: ({ critic, real, rng }) => draganPenalty({ critic, real, rng, perturbationScale: options.perturbationScale }),
  };
}
