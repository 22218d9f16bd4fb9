import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStore } from './checkpoint-store';
import { Trainer, type TrainerCallback } from './trainer';
import { sampleImagesCallback, type SampleSheet } from './sample-images';
import { BarImages, TinyGan } from './test-support/tiny-gan';
import { TinyRegressor } from './test-support/tiny-regressor';
import type { StepMetrics } from './types';

const record = (into: StepMetrics[]): TrainerCallback => ({ onStepEnd: (step, metrics) => void (into[step - 1] = metrics) });

describe('Trainer with a two-optimizer GAN', () => {
  it('resumes both optimizers exactly, leaks nothing, and draws sample sheets', async () => {
    const reference: StepMetrics[] = [];
    const sheets: SampleSheet[] = [];
    const full = new TinyGan(3);
    await new Trainer(full, { seed: 3, callbacks: [record(reference), sampleImagesCallback({ every: 20, count: 8, write: (s) => void sheets.push(s) })] }).fit(new BarImages(3), { steps: 60 });
    expect(sheets.map((s) => s.step)).toEqual([20, 40, 60]);
    expect(sheets[2].grid.data).not.toEqual(sheets[0].grid.data); // same latents, trained generator
    expect(reference.every((m) => Number.isFinite(m['loss/generator']) && Number.isFinite(m['loss/discriminator']))).toBe(true);

    const store = new MemoryCheckpointStore();
    const head: StepMetrics[] = [];
    const first = new TinyGan(3);
    await new Trainer(first, { seed: 3, callbacks: [record(head)] }).fit(new BarImages(3), { steps: 35, checkpoint: { store, every: 25 } });
    const tail: StepMetrics[] = [];
    const second = new TinyGan(99);
    const before = tf.memory().numTensors;
    const trainer = new Trainer(second, { seed: 0, callbacks: [record(tail)], log: () => {} });
    await trainer.restore(store.load()!, null);
    // Only Adam's first and second moments (one pair per trainable weight) appear.
    expect(tf.memory().numTensors).toBe(before + 2 * (second.generator.trainableWeights.length + second.discriminator.trainableWeights.length));
    const summary = await trainer.fit(new BarImages(3), { steps: 60, resumeFrom: store });
    expect(summary.resumedFrom).toBe(35);
    expect([...head, ...tail.slice(35)]).toEqual(reference);
    [full, first, second].forEach((m) => m.dispose());
  });

  it('refuses a checkpoint whose optimizer roles differ', async () => {
    const gan = new TinyGan(1);
    const bytes = await new Trainer(gan).checkpoint(null);
    const regressor = Object.assign(new TinyRegressor({ seed: 1 }), { kind: 'test/tiny-gan' });
    await expect(new Trainer(regressor).restore(bytes, null, 'gan.tfgen')).rejects.toThrow(
      /gan\.tfgen: optimizers: expected roles \[model\], got \[discriminator, generator\]/,
    );
    gan.dispose();
    regressor.dispose();
  });
});
