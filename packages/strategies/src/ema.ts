import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, expectNumber, stateOfVariables, type StateVariable } from '@tfgen/core';

/**
 * An exponential moving average of a model's weights (Yazici et al. 2019; used by
 * ProGAN/StyleGAN/BigGAN for the generator): `shadow = decay * shadow + (1 - decay) * w`
 * after each update. The shadow copy lives in its own variables (checkpointed via
 * {@link ModelEma.stateVariables}); {@link ModelEma.withAveragedWeights} runs code
 * (e.g. sampling) with the averaged weights swapped in and restores the live ones.
 */
export class ModelEma {
  readonly decay: number;
  private readonly model: tfl.LayersModel;
  private readonly shadow: tf.Variable[];

  constructor(model: tfl.LayersModel, decay = 0.999) {
    if (!model || !Array.isArray((model as { weights?: unknown }).weights)) throw new ArgumentError('model', 'a tfjs-layers model', model);
    this.decay = expectNumber(decay, 'decay', 0, 1);
    this.model = model;
    this.shadow = model.weights.map((w) => tf.variable(w.read(), false));
  }

  /** Moves the average one step towards the current weights. */
  update(): void {
    tf.tidy(() => {
      this.model.weights.forEach((w, i) => {
        const s = this.shadow[i];
        s.assign(tf.add(tf.mul(s, this.decay), tf.mul(w.read(), 1 - this.decay)));
      });
    });
  }

  /** The averaged weights (borrowed; do not dispose). */
  get weights(): readonly tf.Variable[] {
    return this.shadow;
  }

  /** Runs `fn` with the averaged weights in the model, then puts the live weights back. `fn` must be synchronous. */
  withAveragedWeights<T>(fn: () => T): T {
    const live = this.model.weights.map((w) => w.read().clone());
    try {
      this.model.weights.forEach((w, i) => w.write(this.shadow[i]));
      return fn();
    } finally {
      this.model.weights.forEach((w, i) => w.write(live[i]));
      tf.dispose(live);
    }
  }

  /** The shadow variables for checkpoints, named `prefix/index/base`. */
  stateVariables(prefix = 'ema'): StateVariable[] {
    // Named after the model's weights (`ema/0/kernel`), not the shadow variables' global names.
    const bases = this.model.weights.map((w) => String(w.originalName ?? w.name).split('/').pop()!.replace(/[_\d]+$/, '') || 'var');
    return stateOfVariables(prefix, this.shadow).map((v, i) => ({ ...v, name: `${prefix}/${i}/${bases[i]}` }));
  }

  /** Frees the shadow variables. */
  dispose(): void {
    tf.dispose(this.shadow);
  }
}
