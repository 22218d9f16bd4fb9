import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, CheckpointError } from '@tfgen/core';
import { describe, expect, it } from 'vitest';
import { COVERAGE_SAMPLES, HEATMAP_SIZE, LabRun, TRANSPORT_SIZE, labMixture, viewWindow, type SavedRun } from './lab-run';
import { DEFAULT_RUN, checkRunSettings } from './settings';

const lab = { mixture: 'ring' as const, seed: 3 };
const small = { ...DEFAULT_RUN, hiddenUnits: 16, batchSize: 32 };

describe('LabRun', () => {
  it('trains, draws a frame of the right sizes and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const run = new LabRun(lab, small);
    run.train(1); // Adam creates its slots on the first step
    const afterFirstStep = tf.memory().numTensors;
    const first = run.frame();
    const metrics = run.train(4);
    const frame = run.frame();
    // Redrawing without training keeps the arrows instead of collapsing them.
    const again = run.frame();
    expect(tf.memory().numTensors).toBe(afterFirstStep);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);

    expect(run.step).toBe(5);
    expect(Number.isFinite(metrics['loss/discriminator'])).toBe(true);
    expect(frame.history.map((h) => h.step)).toEqual([1, 2, 3, 4, 5]);
    expect(frame.heatmap.length).toBe(HEATMAP_SIZE * HEATMAP_SIZE);
    expect(frame.heatmap.every((v) => v > 0 && v < 1)).toBe(true);
    expect(frame.transportTo.length).toBe(TRANSPORT_SIZE * TRANSPORT_SIZE * 2);
    // Arrows start where the grid's images were at the previous frame, and training moved them.
    expect(Array.from(frame.transportFrom)).toEqual(Array.from(first.transportTo));
    expect(frame.transportTo.some((v, i) => v !== frame.transportFrom[i])).toBe(true);
    expect(Array.from(again.transportFrom)).toEqual(Array.from(frame.transportFrom));

    expect(frame.coverage.sampleCount).toBe(COVERAGE_SAMPLES);
    expect(frame.coverage.modeCount).toBe(8);
  });

  it('computes mode coverage like a direct count on its own samples', () => {
    const run = new LabRun(lab, small);
    try {
      run.train(3);
      const { samples, modesCovered, highQualityFraction } = run.coverage();
      const { centers, std } = run.mixture;
      const hits = new Set<number>();
      let good = 0;
      for (let i = 0; i < samples.length / 2; i++) {
        const d = centers.map(([cx, cy]) => Math.hypot(samples[2 * i] - cx, samples[2 * i + 1] - cy));
        const best = Math.min(...d);
        if (best < 3 * std) {
          good++;
          hits.add(d.indexOf(best));
        }
      }
      expect(modesCovered).toBe(hits.size);
      expect(highQualityFraction).toBeCloseTo(good / COVERAGE_SAMPLES, 10);
    } finally {
      run.dispose();
    }
  });

  it('discriminates a packed D by repeating each point to fill its pack', () => {
    const run = new LabRun(lab, { ...small, packing: 2 });
    try {
      const points = new Float32Array([0.5, -0.25, 1, 1, -1, 0.3]);
      const got = run.discriminate(points);
      const expected = tf.tidy(() => {
        const x = tf.tensor2d([[0.5, -0.25, 0.5, -0.25], [1, 1, 1, 1], [-1, 0.3, -1, 0.3]]);
        return tf.sigmoid(run.discriminator.predict(x) as tf.Tensor).dataSync();
      });
      expect(Array.from(got)).toEqual(Array.from(expected));
    } finally {
      run.dispose();
    }
  });

  it('saves and loads exactly: the loaded run continues like the original', async () => {
    const settings = { ...small, spectralNorm: true, penalty: 'gradient' as const };
    const original = new LabRun(lab, settings);
    const twin = new LabRun(lab, settings);
    try {
      original.train(3);
      twin.train(3);
      const saved: SavedRun = structuredClone(await original.save());
      const loaded = await LabRun.load(saved);
      try {
        expect(loaded.step).toBe(3);
        expect(Array.from(loaded.frame().fake)).toEqual(Array.from(original.frame().fake));
        const a = loaded.train(2);
        const b = twin.train(2);
        expect(a).toEqual(b);
        expect(Array.from(loaded.coverage().samples)).toEqual(Array.from(twin.coverage().samples));
      } finally {
        loaded.dispose();
      }
    } finally {
      original.dispose();
      twin.dispose();
    }
  });

  it('refuses a saved run of another configuration with a CheckpointError', async () => {
    const run = new LabRun(lab, small);
    const saved = await run.save();
    run.dispose();
    await expect(LabRun.load({ ...saved, run: { ...saved.run, hiddenUnits: 8 } })).rejects.toThrow(CheckpointError);
    await expect(LabRun.load({ ...saved, format: 'other' } as unknown as SavedRun)).rejects.toThrow(/tfgen-web-2d-run/);
  });

  it('builds every strategy combination the form offers', () => {
    const combos = [
      { loss: 'hinge', minibatchDiscrimination: true, spectralNorm: true },
      { loss: 'wasserstein', penalty: 'gradient', penaltyWeight: 10, discriminatorSteps: 2 },
      { loss: 'nonSaturating', unrolledSteps: 2 },
      { loss: 'leastSquares', packing: 4, penalty: 'r1' },
      { loss: 'relativisticAverage', penalty: 'dragan' },
    ] as const;
    for (const combo of combos) {
      const run = new LabRun({ mixture: 'grid', seed: 1 }, { ...small, ...combo });
      try {
        const metrics = run.train(1);
        expect(Number.isFinite(metrics['loss/generator'])).toBe(true);
      } finally {
        run.dispose();
      }
    }
  });
});

describe('lab settings and windows', () => {
  it('rejects bad settings naming the field', () => {
    expect(() => checkRunSettings({ ...DEFAULT_RUN, loss: 'nope' })).toThrow(/loss/);
    expect(() => checkRunSettings({ ...DEFAULT_RUN, batchSize: 30, packing: 4 })).toThrow(ArgumentError);
    expect(() => checkRunSettings({ ...DEFAULT_RUN, unrolledSteps: 2, spectralNorm: true })).toThrow(/unrolledSteps/);
    expect(() => checkRunSettings({ ...DEFAULT_RUN, spectralNorm: 'yes' })).toThrow(/spectralNorm/);
    expect(() => new LabRun({ mixture: 'square' as 'ring', seed: 1 }, DEFAULT_RUN)).toThrow(/mixture/);
  });

  it('builds a drawn mixture at the clicked points, shown in the fixed drawing window', () => {
    const points: Array<[number, number]> = [[-1.5, 1], [0.5, 0.5], [1, -1.75], [0, 0]];
    const run = new LabRun({ mixture: 'drawn', seed: 1, points }, small);
    try {
      expect(run.mixture.centers).toEqual(points);
      expect(run.window).toEqual([-2, 2]);
      expect(run.frame().coverage.modeCount).toBe(4);
      // Every real point lies near one of the drawn centres (within 5 std).
      const real = run.frame().real;
      for (let i = 0; i < real.length; i += 2) {
        const nearest = Math.min(...points.map(([x, y]) => Math.hypot(real[i] - x, real[i + 1] - y)));
        expect(nearest).toBeLessThan(5 * 0.05);
      }
    } finally {
      run.dispose();
    }
    expect(() => new LabRun({ mixture: 'drawn', seed: 1, points: [] }, small)).toThrow(/points/);
    expect(() => new LabRun({ mixture: 'drawn', seed: 1, points: [[3, 0]] }, small)).toThrow(/points\[0\]/);
  });

  it('frames the grid of 25 Gaussians with a margin of a quarter of its span', () => {
    // Centres at -4..4 (span 8): margin max(2, 6 * 0.05, 0.5) = 2.
    expect(viewWindow(labMixture('grid'))).toEqual([-6, 6]);
    const [lo, hi] = viewWindow(labMixture('ring'));
    expect(lo).toBeCloseTo(-1.5, 10);
    expect(hi).toBeCloseTo(1.5, 10);
  });
});
