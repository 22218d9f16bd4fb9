import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, CheckpointError } from './errors';
import type { CheckpointDType, NamedArray, OptimizerSnapshot } from './checkpoint';
import type { StateVariable, VariableLike } from './types';

/**
 * Adapts `tf.Variable`s, tfjs-layers `LayerVariable`s or a whole model (anything with
 * `weights`) to the {@link StateVariable}s a checkpoint saves. Names are positional,
 * `prefix/index/base` (e.g. `generator/0/kernel`), because tfjs' own names carry
 * global counters (`dense_Dense3/kernel`) that differ between processes.
 * `read()` returns the live variable (borrowed: do not dispose it).
 *
 * Example: `stateVariables: () => [...stateOfVariables('generator', G), ...stateOfVariables('critic', D)]`.
 */
export function stateOfVariables(prefix: string, source: readonly VariableLike[] | { readonly weights: readonly VariableLike[] }): StateVariable[] {
  if (typeof prefix !== 'string') throw new ArgumentError('prefix', 'a string', prefix);
  const list = Array.isArray(source) ? source : (source as { weights?: readonly VariableLike[] })?.weights;
  if (!Array.isArray(list)) throw new ArgumentError('source', 'an array of variables or a model with `weights`', source);
  return list.map((variable, index) => {
    const readable = typeof variable?.read === 'function' || variable instanceof tf.Variable;
    const writable = typeof variable?.write === 'function' || typeof variable?.assign === 'function';
    if (!readable || !writable) throw new ArgumentError(`source[${index}]`, 'a tf.Variable or LayerVariable', variable);
    const base = String(variable.name).split('/').pop()!.replace(/[_\d]+$/, '') || 'var';
    return {
      name: `${prefix}/${index}/${base}`,
      read: () => (typeof variable.read === 'function' ? variable.read() : (variable as unknown as tf.Variable)),
      write: (value: tf.Tensor) => {
        if (typeof variable.write === 'function') variable.write(value);
        else variable.assign!(value);
      },
    };
  });
}

/** Reads every state variable into plain arrays (async, so it works on GPU backends). Leaves no tensors behind. */
export async function captureVariables(variables: readonly StateVariable[]): Promise<NamedArray[]> {
  const seen = new Set<string>();
  const out: NamedArray[] = [];
  for (const variable of variables) {
    if (seen.has(variable.name)) throw new ArgumentError('stateVariables()', 'unique variable names', variable.name, 'duplicate name');
    seen.add(variable.name);
    out.push(await readOwned(variable.name, () => variable.read()));
  }
  return out;
}

/**
 * Writes saved arrays back into the model's state variables. Everything is checked first
 * (every variable present, same shape and dtype, nothing extra), so a mismatch throws a
 * {@link CheckpointError} naming `source` and the variable and leaves the model untouched.
 */
export function restoreVariables(variables: readonly StateVariable[], saved: readonly NamedArray[], source = 'checkpoint'): void {
  const byName = new Map(saved.map((s) => [s.name, s]));
  const wanted = new Set(variables.map((v) => v.name));
  const plan: [StateVariable, NamedArray][] = [];
  for (const variable of variables) {
    const array = byName.get(variable.name);
    if (!array) throw new CheckpointError(`${source}: variable ${JSON.stringify(variable.name)}`, 'a saved value', 'missing', 'the checkpoint belongs to a different model');
    const current = variable.read();
    const shape = current.shape;
    const dtype = current.dtype;
    if (shape.length !== array.shape.length || shape.some((d, i) => d !== array.shape[i])) {
      throw new CheckpointError(`${source}: variable ${JSON.stringify(variable.name)}`, `shape [${shape.join(', ')}]`, [...array.shape], 'the checkpoint belongs to a different model configuration');
    }
    if (dtype !== array.dtype) throw new CheckpointError(`${source}: variable ${JSON.stringify(variable.name)}`, `dtype ${dtype}`, array.dtype);
    plan.push([variable, array]);
  }
  for (const s of saved) {
    if (!wanted.has(s.name)) throw new CheckpointError(`${source}: variable ${JSON.stringify(s.name)}`, 'a variable of this model', 'an unexpected extra variable', 'the checkpoint belongs to a different model');
  }
  for (const [variable, array] of plan) {
    const value = tf.tensor(array.values, [...array.shape], array.dtype);
    try {
      variable.write(value);
    } finally {
      value.dispose();
    }
  }
}

/** Private scalar accumulators that `getWeights` omits but an exact resume needs (Adam's beta powers). */
const OPTIMIZER_EXTRA_FIELDS = ['accBeta1', 'accBeta2'] as const;

/**
 * Captures an optimizer's state: iteration count, slots from `getWeights()` and the
 * private beta-power accumulators. Works for tfjs' SGD, Momentum, RMSProp, Adagrad,
 * Adadelta and Adam; Adamax has no `getWeights` in tfjs 4.22 and is refused.
 */
export async function captureOptimizer(optimizer: tf.Optimizer, role = 'optimizer'): Promise<OptimizerSnapshot> {
  const className = optimizer.getClassName();
  let weights: { name: string; tensor: tf.Tensor }[];
  try {
    weights = await optimizer.getWeights();
  } catch (error) {
    throw new CheckpointError(`optimizers.${role}`, 'an optimizer whose state tfjs can read (SGD, Momentum, RMSProp, Adagrad, Adadelta, Adam)', className, (error as Error).message);
  }
  const [iteration, ...slotWeights] = weights;
  const iterations = (await iteration.tensor.data())[0];
  iteration.tensor.dispose(); // saveIterations() makes a fresh scalar
  const slots: NamedArray[] = [];
  for (const w of slotWeights) slots.push(await readOwned(w.name, () => w.tensor));
  const extras: NamedArray[] = [];
  for (const field of OPTIMIZER_EXTRA_FIELDS) {
    const value = (optimizer as unknown as Record<string, unknown>)[field];
    if (value instanceof tf.Variable) extras.push(await readOwned(field, () => value));
  }
  return { className, iterations, slots, extras };
}

/**
 * Restores an optimizer from {@link captureOptimizer}'s snapshot so the next
 * `applyGradients` is bit-identical to the uninterrupted run. tfjs' `setWeights`
 * replaces slot variables without disposing the old ones; this disposes them.
 */
export async function restoreOptimizer(optimizer: tf.Optimizer, snapshot: OptimizerSnapshot, source = 'checkpoint', role = 'optimizer'): Promise<void> {
  const className = optimizer.getClassName();
  if (className !== snapshot.className) {
    throw new CheckpointError(`${source}: optimizers.${role}`, `an optimizer of class ${snapshot.className}`, className, 'the run was saved with another optimizer');
  }
  for (const extra of snapshot.extras) {
    const target = (optimizer as unknown as Record<string, unknown>)[extra.name];
    if (!(target instanceof tf.Variable)) throw new CheckpointError(`${source}: optimizers.${role}.${extra.name}`, `a variable on ${className}`, 'missing');
  }
  const old = await optimizer.getWeights();
  old[0].tensor.dispose();
  const oldSlots = old.slice(1).map((w) => w.tensor);
  const fresh: { name: string; tensor: tf.Tensor }[] = [
    { name: 'iter', tensor: tf.scalar(snapshot.iterations, 'int32') },
    ...snapshot.slots.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, [...s.shape], s.dtype) })),
  ];
  try {
    await optimizer.setWeights(fresh);
  } finally {
    tf.dispose(fresh.map((f) => f.tensor));
  }
  tf.dispose(oldSlots);
  for (const extra of snapshot.extras) {
    const target = (optimizer as unknown as Record<string, tf.Variable>)[extra.name];
    const value = tf.tensor(extra.values, [...extra.shape], extra.dtype);
    target.assign(value);
    value.dispose();
  }
}

/** Reads a tensor produced by `get`, disposing it only if `get` created it (borrowed variables stay). */
async function readOwned(name: string, get: () => tf.Tensor): Promise<NamedArray> {
  const before = tf.memory().numTensors;
  const tensor = get();
  const created = tf.memory().numTensors > before;
  try {
    const dtype = tensor.dtype as CheckpointDType;
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') throw new CheckpointError(`variable ${JSON.stringify(name)}`, 'dtype float32, int32 or bool', tensor.dtype);
    const data = await tensor.data();
    const values = dtype === 'bool' ? Uint8Array.from(data as Uint8Array) : (data as Float32Array | Int32Array).slice();
    return { name, shape: [...tensor.shape], dtype, values };
  } finally {
    if (created) tensor.dispose();
  }
}
