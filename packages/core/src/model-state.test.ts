import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from './errors';
import { captureOptimizer, captureVariables, restoreOptimizer, restoreVariables, stateOfVariables } from './model-state';
import { Rng } from './random';
import { TinyRegressionData, TinyRegressor } from './test-support/tiny-regressor';

async function losses(model: TinyRegressor, data: TinyRegressionData, rng: Rng, steps: number): Promise<number[]> {
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const batch = data.next();
    out.push(model.trainStep(batch, { step: s, rng }).loss);
    tf.dispose([batch.x, batch.y!]);
  }
  return out;
}

describe('stateOfVariables', () => {
  it('names variables by position and reads and writes LayerVariables and tf.Variables', () => {
    const net = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2] }), tfl.layers.batchNormalization()] });
    const state = stateOfVariables('g', net);
    expect(state.map((s) => s.name)).toEqual(['g/0/kernel', 'g/1/bias', 'g/2/gamma', 'g/3/beta', 'g/4/moving_mean', 'g/5/moving_variance']);
    const value = tf.fill([2, 3], 0.5);
    state[0].write(value);
    value.dispose();
    expect(Array.from(state[0].read().dataSync())).toEqual(new Array(6).fill(0.5));

    const v = tf.variable(tf.zeros([2]));
    const [wrapped] = stateOfVariables('plain', [v]);
    expect(wrapped.name).toBe('plain/0/var');
    const ones = tf.ones([2]);
    wrapped.write(ones);
    ones.dispose();
    expect(Array.from(v.dataSync())).toEqual([1, 1]);
    expect(wrapped.read()).toBe(v);
    expect(() => stateOfVariables('x', [{ name: 'nope' }] as never)).toThrow(/source\[0\]: expected a tf.Variable or LayerVariable/);
    v.dispose();
    net.dispose();
  });

  it('restores variables after checking names and shapes, leaving the model untouched on a mismatch', async () => {
    const a = new TinyRegressor({ seed: 1 });
    const b = new TinyRegressor({ seed: 2 });
    const saved = await captureVariables(a.stateVariables());
    const before = tf.memory().numTensors;
    restoreVariables(b.stateVariables(), saved);
    expect(tf.memory().numTensors).toBe(before);
    const after = await captureVariables(b.stateVariables());
    expect(after.map((x) => Array.from(x.values))).toEqual(saved.map((x) => Array.from(x.values)));

    const wide = new TinyRegressor({ seed: 3, hidden: 5 });
    const untouched = await captureVariables(wide.stateVariables());
    expect(() => restoreVariables(wide.stateVariables(), saved, 'ckpt.bin')).toThrow(CheckpointError);
    expect(() => restoreVariables(wide.stateVariables(), saved, 'ckpt.bin')).toThrow(/ckpt\.bin: variable "net\/0\/kernel": expected shape \[2, 5\], got \[2, 16\]/);
    expect(() => restoreVariables(wide.stateVariables(), saved.slice(1), 'ckpt.bin')).toThrow(/"net\/0\/kernel": expected a saved value, got "missing"/);
    expect((await captureVariables(wide.stateVariables())).map((x) => Array.from(x.values))).toEqual(untouched.map((x) => Array.from(x.values)));
    [a, b, wide].forEach((m) => m.dispose());
  });
});

describe('optimizer capture and restore', () => {
  for (const optimizer of ['adam', 'rmsprop', 'momentum', 'sgd'] as const) {
    it(`resumes ${optimizer} bit for bit and leaks nothing`, async () => {
      // Reference: 40 uninterrupted steps.
      const reference = new TinyRegressor({ seed: 5, optimizer });
      const referenceLosses = await losses(reference, new TinyRegressionData(5), new Rng(9), 40);

      // Interrupted: 25 steps, capture, then a fresh model restored from the capture runs 15 more.
      const first = new TinyRegressor({ seed: 5, optimizer });
      const data = new TinyRegressionData(5);
      const rng = new Rng(9);
      const head = await losses(first, data, rng, 25);
      const variables = await captureVariables(first.stateVariables());
      const snapshot = await captureOptimizer(first.optimizer);
      expect(snapshot.iterations).toBe(25);
      expect(snapshot.className).toBe({ adam: 'Adam', rmsprop: 'RMSProp', momentum: 'Momentum', sgd: 'SGD' }[optimizer]);
      if (optimizer === 'adam') expect(snapshot.extras.map((e) => e.name)).toEqual(['accBeta1', 'accBeta2']);

      const resumed = new TinyRegressor({ seed: 77, optimizer }); // different init: everything must come from the capture
      await losses(resumed, new TinyRegressionData(1), new Rng(1), 3); // and its optimizer already has slots to replace
      const before = tf.memory().numTensors;
      restoreVariables(resumed.stateVariables(), variables);
      await restoreOptimizer(resumed.optimizer, snapshot);
      expect(tf.memory().numTensors).toBe(before);
      expect(resumed.optimizer.iterations).toBe(25);
      const tail = await losses(resumed, data, rng, 15);
      expect([...head, ...tail]).toEqual(referenceLosses);
      [reference, first, resumed].forEach((m) => m.dispose());
    });
  }

  it('names a class mismatch and refuses Adamax, which tfjs cannot read', async () => {
    const adam = tf.train.adam(0.1);
    const sgd = tf.train.sgd(0.1);
    const snapshot = await captureOptimizer(adam);
    await expect(restoreOptimizer(sgd, snapshot, 'ckpt', 'generator')).rejects.toThrow(/ckpt: optimizers.generator: expected an optimizer of class Adam, got "SGD"/);
    await expect(captureOptimizer(tf.train.adamax(0.1), 'critic')).rejects.toThrow(/optimizers.critic: .*got "Adamax"/);
  });
});
