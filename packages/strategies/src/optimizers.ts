import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, expectNumber, expectOneOf, type JsonObject } from '@tfgen/core';

/** An optimizer as data, so a GAN variant can name it and a checkpoint can store it. */
export interface OptimizerSpec {
  kind: 'adam' | 'sgd' | 'momentum' | 'rmsprop';
  learningRate: number;
  /** Adam: beta1 (default 0.5, the DCGAN choice); momentum: the momentum (default 0.9). */
  beta1?: number;
  /** Adam: beta2 (default 0.999). */
  beta2?: number;
  epsilon?: number;
}

/** Builds a tfjs optimizer from a spec (or returns the given optimizer). */
export function createOptimizer(spec: OptimizerSpec | tf.Optimizer, argument = 'optimizer'): tf.Optimizer {
  if (spec instanceof tf.Optimizer) return spec;
  if (spec == null || typeof spec !== 'object') throw new ArgumentError(argument, 'an OptimizerSpec or a tf.Optimizer', spec);
  const kind = expectOneOf(spec.kind, `${argument}.kind`, ['adam', 'sgd', 'momentum', 'rmsprop'] as const);
  const lr = expectNumber(spec.learningRate, `${argument}.learningRate`, 0, Infinity, true);
  switch (kind) {
    case 'adam':
      return tf.train.adam(lr, expectNumber(spec.beta1 ?? 0.5, `${argument}.beta1`, 0, 1), expectNumber(spec.beta2 ?? 0.999, `${argument}.beta2`, 0, 1), spec.epsilon);
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, expectNumber(spec.beta1 ?? 0.9, `${argument}.beta1`, 0, 1));
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9, 0, spec.epsilon);
  }
}

/** A spec as JSON, for configs and checkpoints. */
export function optimizerSpecToJson(spec: OptimizerSpec | tf.Optimizer): JsonObject {
  if (spec instanceof tf.Optimizer) return { className: spec.getClassName(), config: spec.getConfig() as JsonObject };
  return { ...spec } as unknown as JsonObject;
}

/**
 * The two time-scale update rule (Heusel et al. 2017) as used by SAGAN/BigGAN:
 * Adam(0, 0.9) with a discriminator learning rate 4x the generator's.
 */
export function ttur(options: { generatorLearningRate?: number; discriminatorLearningRate?: number; beta1?: number; beta2?: number } = {}): {
  generator: OptimizerSpec;
  discriminator: OptimizerSpec;
} {
  const beta1 = options.beta1 ?? 0;
  const beta2 = options.beta2 ?? 0.9;
  return {
    generator: { kind: 'adam', learningRate: options.generatorLearningRate ?? 1e-4, beta1, beta2 },
    discriminator: { kind: 'adam', learningRate: options.discriminatorLearningRate ?? 4e-4, beta1, beta2 },
  };
}
