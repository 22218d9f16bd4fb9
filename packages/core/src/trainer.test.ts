import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStore } from './checkpoint-store';
import { ArgumentError, CheckpointError, DivergenceError, TensorLeakError } from './errors';
import { captureVariables } from './model-state';
import type { Batch, StepContext, StepMetrics } from './types';
import { Trainer, type TrainerCallback } from './trainer';
import { TinyRegressionData, TinyRegressor } from './test-support/tiny-regressor';

/** Records every step's metrics (and the order of hooks). */
function recorder() {
  const events: string[] = [];
  const losses: number[] = [];
  const callback: TrainerCallback = {
    onTrainBegin: (info) => void events.push(`begin@${info.startStep}/${info.totalSteps}`),
    onStepEnd: (step, metrics) => {
      events.push(`step ${step}`);
      losses[step - 1] = metrics.loss;
    },
    onTrainEnd: (summary) => void events.push(`end ${summary.stopReason}@${summary.steps}`),
  };
  return { events, losses, callback };
}

async function run(seed: number, steps: number, trainerSeed = seed) {
  const model = new TinyRegressor({ seed });
  const rec = recorder();
  const trainer = new Trainer(model, { seed: trainerSeed, callbacks: [rec.callback] });
  const summary = await trainer.fit(new TinyRegressionData(seed), { steps });
  model.dispose();
  return { summary, ...rec };
}

describe('Trainer', () => {
  it('trains, calls hooks in order, and leaves no tensors behind', async () => {
    const model = new TinyRegressor({ seed: 3, learningRate: 0.05 });
    const rec = recorder();
    const trainer = new Trainer(model, { seed: 3, callbacks: [rec.callback] });
    const data = new TinyRegressionData(3);
    await trainer.fit(data, { steps: 1 }); // the first step creates Adam's slots
    const before = tf.memory().numTensors;
    const summary = await trainer.fit(data, { steps: 300 });
    expect(tf.memory().numTensors).toBe(before);
    expect(summary).toMatchObject({ steps: 300, stepsThisRun: 299, stopReason: 'completed', rollbacks: 0, resumedFrom: null });
    expect(summary.stepsPerSecond).toBeGreaterThan(0);
    expect(rec.events.slice(0, 3)).toEqual(['begin@0/1', 'step 1', 'end completed@1']);
    expect(rec.events[3]).toBe('begin@1/300');
    expect(rec.events.at(-1)).toBe('end completed@300');
    const early = rec.losses.slice(0, 20).reduce((a, b) => a + b) / 20;
    const late = rec.losses.slice(-20).reduce((a, b) => a + b) / 20;
    console.log('tiny regressor mean loss, first 20 vs last 20 steps:', early, late);
    expect(late).toBeLessThan(early * 0.5);
    model.dispose();
  });

  it('counts epochs in batches and rejects bad options', async () => {
    const model = new TinyRegressor({ seed: 1 });
    const data = new TinyRegressionData(1, 64, 8);
    const trainer = new Trainer(model);
    expect((await trainer.fit(data, { epochs: 2 })).steps).toBe(16);
    await expect(trainer.fit(data, { steps: 3, epochs: 1 })).rejects.toThrow(ArgumentError);
    await expect(trainer.fit(data, {})).rejects.toThrow(/exactly one of `steps` and `epochs`/);
    await expect(trainer.fit(data, { steps: 2.5 })).rejects.toThrow(/options.steps: expected an integer >= 0, got 2.5/);
    expect(() => new Trainer(model, { leakGuard: 'loud' as never })).toThrow(/options.leakGuard: expected one of "throw", "warn", "off", got "loud"/);
    expect(() => new Trainer({} as never)).toThrow(/model: expected a TrainableModel/);
    model.dispose();
  });

  it('reproduces a run from one seed; another seed differs', async () => {
    const a = await run(11, 30);
    const b = await run(11, 30);
    const c = await run(12, 30);
    const d = await run(11, 30, 99); // same model and data seed, different Trainer rng (input noise)
    expect(b.losses).toEqual(a.losses);
    expect(c.losses).not.toEqual(a.losses);
    expect(d.losses).not.toEqual(a.losses);
  });

  it('resumes from a checkpoint store to exactly the uninterrupted losses, also after stop()', async () => {
    const reference = await run(21, 50);

    const store = new MemoryCheckpointStore();
    const first = new TinyRegressor({ seed: 21 });
    const firstRec = recorder();
    const firstTrainer = new Trainer(first, { seed: 21, callbacks: [firstRec.callback] });
    const stopper: TrainerCallback = { onStepEnd: (step) => void (step === 23 && firstTrainer.stop()) };
    const stopped = await firstTrainer.fit(new TinyRegressionData(21), { steps: 50, callbacks: [stopper], checkpoint: { store, every: 10 } });
    expect(stopped.stopReason).toBe('stopped');
    expect(stopped.steps).toBe(23);
    expect(store.savedSteps).toEqual([10, 20, 23]);

    // A new process would rebuild the model from its config with any init: the checkpoint supplies the state.
    const second = new TinyRegressor({ seed: 1234 });
    const secondRec = recorder();
    const messages: string[] = [];
    const resumed = await new Trainer(second, { seed: 0, callbacks: [secondRec.callback], log: (m) => messages.push(m) }).fit(new TinyRegressionData(21), {
      steps: 50,
      resumeFrom: store,
      checkpoint: { store, every: 10 },
    });
    expect(resumed).toMatchObject({ resumedFrom: 23, steps: 50, stepsThisRun: 27, stopReason: 'completed' });
    expect(store.savedSteps).toEqual([10, 20, 23, 30, 40, 50]);
    expect(messages).toEqual([expect.stringMatching(/^tfgen: memory was written with another model config; .*"seed":21/)]);
    expect([...firstRec.losses, ...secondRec.losses.slice(23)]).toEqual(reference.losses);
    first.dispose();
    second.dispose();
  });

  it('hands steps extra batches through nextBatch and disposes them', async () => {
    class MultiBatch extends TinyRegressor {
      seen: tf.Tensor[] = [];
      override trainStep(batch: Batch, context: StepContext): StepMetrics {
        const second = context.nextBatch!();
        const third = context.nextBatch!();
        this.seen.push(batch.x, second.x, third.x);
        return super.trainStep(third, context);
      }
    }
    const model = new MultiBatch({ seed: 9 });
    const data = new TinyRegressionData(9, 64, 8);
    const summary = await new Trainer(model).fit(data, { steps: 4 });
    expect(summary.steps).toBe(4);
    expect(model.seen).toHaveLength(12);
    expect(model.seen.every((t) => t.isDisposed)).toBe(true);
    expect(data.getState()).toEqual({ epoch: 1, position: 32 }); // 12 batches of 8 from 64 points
    model.dispose();
  });

  it('refuses to resume from a checkpoint of another model kind', async () => {
    const model = new TinyRegressor({ seed: 2 });
    const trainer = new Trainer(model);
    const bytes = await trainer.checkpoint(null);
    const other = Object.assign(new TinyRegressor({ seed: 2 }), { kind: 'gan/dcgan' });
    await expect(new Trainer(other).fit(new TinyRegressionData(2), { steps: 1, resumeFrom: bytes })).rejects.toThrow(
      /resumeFrom: expected a checkpoint of model kind "gan\/dcgan", got "test\/tiny-regressor"/,
    );
    await expect(new Trainer(other).restore(bytes, null)).rejects.toThrow(CheckpointError);
    model.dispose();
    other.dispose();
  });
});

/** Plants faults into the tiny model at chosen steps. */
class Faulty extends TinyRegressor {
  leakAt = -1;
  nanAt = -1;
  explodeAt = -1;
  corruptOnce = true;
  kept: tf.Tensor[] = [];

  override trainStep(batch: Batch, context: StepContext): StepMetrics {
    const metrics = super.trainStep(batch, context);
    if (context.step === this.leakAt) this.kept.push(tf.scalar(1), tf.scalar(2));
    if (context.step === this.explodeAt) return { ...metrics, 'loss/critic': 3e7 };
    if (context.step === this.nanAt && this.corruptOnce) {
      this.corruptOnce = false;
      const kernel = this.net.trainableWeights[0];
      const nan = tf.fill(kernel.shape as number[], NaN);
      kernel.write(nan);
      nan.dispose();
      return { loss: NaN };
    }
    return metrics;
  }
}

describe('Trainer guards', () => {
  it('catches a planted tensor leak in the step it happens, or warns', async () => {
    const model = new Faulty({ seed: 4 });
    model.leakAt = 6;
    const error = await new Trainer(model).fit(new TinyRegressionData(4), { steps: 20 }).catch((e) => e);
    expect(error).toBeInstanceOf(TensorLeakError);
    expect(error.message).toMatch(/trainStep\(\) at step 6: .*2 tensor\(s\) left behind by step 6/);
    tf.dispose(model.kept.splice(0));

    const messages: string[] = [];
    const warned = new Faulty({ seed: 4 });
    warned.leakAt = 2;
    const summary = await new Trainer(warned, { leakGuard: 'warn', log: (m) => messages.push(m) }).fit(new TinyRegressionData(4), { steps: 5 });
    expect(summary.steps).toBe(5);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/left behind by step 2/);
    tf.dispose(warned.kept);
    model.dispose();
    warned.dispose();
  });

  it('stops on a planted NaN or an exploding metric, naming metric, value and step', async () => {
    const model = new Faulty({ seed: 5 });
    model.nanAt = 4;
    const ends: string[] = [];
    const error = await new Trainer(model, { callbacks: [{ onTrainEnd: (s) => void ends.push(s.stopReason) }] })
      .fit(new TinyRegressionData(5), { steps: 20 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(DivergenceError);
    expect(error.step).toBe(4);
    expect(error.message).toBe('metrics["loss"]: expected a finite value with |value| <= 1000000, got NaN (at step 4)');
    expect(ends).toEqual(['diverged']);

    const exploding = new Faulty({ seed: 5 });
    exploding.explodeAt = 3;
    await expect(new Trainer(exploding).fit(new TinyRegressionData(5), { steps: 20 })).rejects.toThrow(/metrics\["loss\/critic"\].*got 30000000 \(at step 3\)/);
    const tolerant = new Faulty({ seed: 5 });
    tolerant.explodeAt = 3;
    expect((await new Trainer(tolerant, { divergence: { threshold: 1e8 } }).fit(new TinyRegressionData(5), { steps: 5 })).steps).toBe(5);
    [model, exploding, tolerant].forEach((m) => m.dispose());
  });

  it('rolls back to the last checkpoint on a NaN, restores its weights, and goes on', async () => {
    const model = new Faulty({ seed: 6 });
    model.nanAt = 7;
    const messages: string[] = [];
    let atFive: number[][] = [];
    let afterRollback: number[][] = [];
    const spy: TrainerCallback = {
      onStepEnd: async (step) => {
        if (step === 5) atFive = (await captureVariables(model.stateVariables())).map((v) => Array.from(v.values));
      },
      onRollback: async (event) => {
        expect(event).toMatchObject({ step: 7, metric: 'loss', restoredStep: 5, rollback: 1 });
        afterRollback = (await captureVariables(model.stateVariables())).map((v) => Array.from(v.values));
      },
    };
    const trainer = new Trainer(model, { seed: 6, divergence: { policy: 'rollback', snapshotEvery: 5 }, log: (m) => messages.push(m), callbacks: [spy] });
    const summary = await trainer.fit(new TinyRegressionData(6), { steps: 20 });
    expect(summary).toMatchObject({ steps: 20, rollbacks: 1, stopReason: 'completed' });
    expect(Number.isFinite(summary.metrics.loss)).toBe(true);
    expect(messages).toEqual(['tfgen: metric loss = NaN at step 7; rolled back to the checkpoint at step 5 (rollback 1 of 3).']);
    expect(afterRollback).toEqual(atFive);
    expect(afterRollback.flat().every(Number.isFinite)).toBe(true);

    const hopeless = new Faulty({ seed: 6 });
    hopeless.explodeAt = 2; // explodes every time step 2 is replayed
    const error = await new Trainer(hopeless, { divergence: { policy: 'rollback', maxRollbacks: 2 }, log: () => {} })
      .fit(new TinyRegressionData(6), { steps: 10 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(DivergenceError);
    expect(error.message).toMatch(/metrics\["loss\/critic"\].*got 30000000 \(at step 2, after 2 rollback\(s\)\)/);
    model.dispose();
    hopeless.dispose();
  });
});
