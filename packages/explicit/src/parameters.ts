import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, CheckpointError, Rng, type JsonObject, type StateVariable } from '@tfgen/core';

let instanceCounter = 0;

/**
 * The named trainable variables of one model, initialized from an {@link Rng} so
 * weights are a function of the seed. Names are stable (`encoder/dense0/kernel`), unlike
 * tfjs' global counters, so saved weights load into a freshly built model.
 */
export class ParameterSet {
  private readonly variables = new Map<string, tf.Variable>();
  private readonly scope: string;

  constructor(private readonly rng: Rng, label: string) {
    instanceCounter += 1;
    this.scope = `${label}_${instanceCounter}`;
  }

  /** A new variable with Glorot-uniform values (fan-in/fan-out given). */
  glorot(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const size = shape.reduce((a, b) => a * b, 1);
    return this.add(name, tf.tensor(this.rng.uniformArray(size, -limit, limit), shape));
  }

  /** A new variable filled with `value`. */
  constant(name: string, shape: number[], value = 0): tf.Variable {
    return this.add(name, tf.fill(shape, value));
  }

  /** A dense layer's kernel `[inputs, units]` and bias `[units]`. */
  dense(name: string, inputs: number, units: number): DenseParameters {
    return { kernel: this.glorot(`${name}/kernel`, [inputs, units], inputs, units), bias: this.constant(`${name}/bias`, [units]) };
  }

  /** A 2-D convolution's kernel `[height, width, in, out]` and bias `[out]`. */
  conv2d(name: string, kernel: [number, number], inputs: number, filters: number): DenseParameters {
    const receptive = kernel[0] * kernel[1];
    return {
      kernel: this.glorot(`${name}/kernel`, [kernel[0], kernel[1], inputs, filters], receptive * inputs, receptive * filters),
      bias: this.constant(`${name}/bias`, [filters]),
    };
  }

  private add(name: string, initial: tf.Tensor): tf.Variable {
    if (this.variables.has(name)) throw new ArgumentError('name', 'a parameter name not used yet', name);
    const variable = tf.variable(initial, true, `${this.scope}/${name}`);
    initial.dispose();
    this.variables.set(name, variable);
    return variable;
  }

  /** All variables in creation order. */
  list(): tf.Variable[] {
    return [...this.variables.values()];
  }

  /** Adapts the variables to core's {@link StateVariable} (stable names). */
  stateVariables(): StateVariable[] {
    return [...this.variables.entries()].map(([name, variable]) => ({
      name,
      read: () => variable,
      write: (value: tf.Tensor) => variable.assign(value),
    }));
  }

  /** Total number of scalar parameters. */
  count(): number {
    return this.list().reduce((n, v) => n + v.size, 0);
  }

  /** Frees every variable. */
  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}

/** A kernel and a bias. */
export interface DenseParameters {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

/** `x @ kernel + bias` for `[batch, inputs]` inputs. */
export function applyDense(x: tf.Tensor, p: DenseParameters): tf.Tensor2D {
  return tf.add(tf.matMul(x as tf.Tensor2D, p.kernel as tf.Tensor2D), p.bias) as tf.Tensor2D;
}

/** A saved model: its kind, the config that rebuilds it, and its weights as plain arrays. */
export interface SavedModel {
  readonly kind: string;
  readonly config: JsonObject;
  readonly weights: { readonly name: string; readonly shape: number[]; readonly values: Float32Array }[];
}

/** Reads state variables into plain arrays (no tensors left behind). */
export function readWeights(variables: readonly StateVariable[]): SavedModel['weights'] {
  return variables.map((v) => {
    const t = v.read();
    return { name: v.name, shape: [...t.shape], values: new Float32Array(t.dataSync()) };
  });
}

/** Writes saved arrays into state variables, checking names and shapes first. */
export function writeWeights(variables: readonly StateVariable[], weights: SavedModel['weights'], source = 'saved model'): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  for (const v of variables) {
    const saved = byName.get(v.name);
    if (!saved) throw new CheckpointError(`${source}: weight ${JSON.stringify(v.name)}`, 'a saved value', 'missing');
    const shape = v.read().shape;
    if (shape.length !== saved.shape.length || shape.some((d, i) => d !== saved.shape[i])) {
      throw new CheckpointError(`${source}: weight ${JSON.stringify(v.name)}`, `shape [${shape.join(', ')}]`, saved.shape);
    }
  }
  if (weights.length !== variables.length) {
    throw new CheckpointError(`${source}: weights`, `${variables.length} weights`, weights.length);
  }
  for (const v of variables) {
    const saved = byName.get(v.name)!;
    const value = tf.tensor(saved.values, saved.shape);
    v.write(value);
    value.dispose();
  }
}
