import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { jsonlFileLog } from './jsonl-file-log';
import { jsonlLine, jsonlLogCallback } from './jsonl-log';
import { decodePng } from './png';
import { formatDuration, formatProgressLine, progressCallback } from './progress';
import { Rng } from './random';
import { sampleImageFiles } from './sample-image-files';
import { sampleImagesCallback, type SampleSheet } from './sample-images';
import { Trainer } from './trainer';
import { TinyRegressionData, TinyRegressor } from './test-support/tiny-regressor';

describe('progress', () => {
  it('formats lines, durations and metrics', () => {
    expect(formatProgressLine(120, 1000, { 'loss/generator': 0.693147, 'loss/discriminator': 1.386294 }, 12.34)).toBe(
      'step 120/1000  loss/generator=0.6931  loss/discriminator=1.386  12.3 steps/s  ETA 1m11s',
    );
    expect(formatProgressLine(1, 10, { loss: NaN, big: 3e7, small: 2e-5 }, 0)).toBe('step 1/10  loss=NaN  big=3.000e+7  small=2.000e-5');
    expect([formatDuration(45.4), formatDuration(72), formatDuration(7500), formatDuration(Infinity)]).toEqual(['45s', '1m12s', '2h05m', '?']);
  });

  it('prints plain lines every N steps off a terminal, and one redrawn bar line on one', async () => {
    const plain: string[] = [];
    const model = new TinyRegressor({ seed: 1 });
    await new Trainer(model, { callbacks: [progressCallback({ write: (t) => plain.push(t), tty: false })] }).fit(new TinyRegressionData(1), { steps: 40 });
    expect(plain).toHaveLength(20); // every 2 steps by default (about 20 lines)
    expect(plain[0]).toMatch(/^step 2\/40  loss=[\d.]+  [\d.]+ steps\/s  ETA \d+s\n$/);
    expect(plain.at(-1)).toMatch(/^step 40\/40 /);

    const tty: string[] = [];
    await new Trainer(model, { callbacks: [progressCallback({ write: (t) => tty.push(t), tty: true })] }).fit(new TinyRegressionData(1), { steps: 45 });
    expect(tty.at(-2)).toMatch(/^\r\[#{20}\] step 45\/45  loss=.*\x1b\[K$/);
    expect(tty.at(-1)).toBe('\n');
    expect(tty.slice(0, -1).every((t) => t.startsWith('\r['))).toBe(true);
    model.dispose();
  });
});

describe('JSONL log', () => {
  it('writes one parsable object per N steps with step, time and metrics, and the stopping step', async () => {
    const lines: string[] = [];
    const model = new TinyRegressor({ seed: 2 });
    const trainer = new Trainer(model, { callbacks: [jsonlLogCallback({ write: (l) => void lines.push(l), every: 5 })] });
    await trainer.fit(new TinyRegressionData(2), { steps: 23, callbacks: [{ onStepEnd: (s) => void (s === 13 && trainer.stop()) }] });
    const records = lines.map((l) => JSON.parse(l));
    expect(records.map((r) => r.step)).toEqual([5, 10, 13]);
    for (const r of records) {
      expect(Object.keys(r)).toEqual(['step', 'time', 'loss']);
      expect(r.time).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(r.loss)).toBe(true);
    }
    expect(jsonlLine(3, 1.23456, { a: NaN, b: -Infinity, c: 0.5 })).toBe('{"step":3,"time":1.235,"a":"NaN","b":"-Infinity","c":0.5}');
    model.dispose();
  });

  it('appends to a file across fits (node entry)', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-jsonl-')), 'logs', 'metrics.jsonl');
    const model = new TinyRegressor({ seed: 3 });
    const trainer = new Trainer(model, { callbacks: [jsonlFileLog(file, { every: 4 })] });
    const data = new TinyRegressionData(3);
    await trainer.fit(data, { steps: 8 });
    await trainer.fit(data, { steps: 12 });
    const steps = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    expect(steps).toEqual([4, 8, 12]);
    model.dispose();
  });
});

/** The tiny regressor plus a sampler whose images are a deterministic function of the rng. */
class SamplingModel extends TinyRegressor {
  sample(count: number, rng: Rng): tf.Tensor {
    return tf.randomUniform([count, 4, 4, 1], -1, 1, 'float32', rng.tfSeed());
  }
}

describe('sample images', () => {
  it('draws comparable sheets from a fixed generator without touching the training run', async () => {
    const sheets: SampleSheet[] = [];
    const model = new SamplingModel({ seed: 4 });
    const withSamples = new Trainer(model, { seed: 4, callbacks: [sampleImagesCallback({ every: 10, count: 6, columns: 3, write: (s) => void sheets.push(s) })] });
    const summary = await withSamples.fit(new TinyRegressionData(4), { steps: 25 });
    expect(sheets.map((s) => s.fileName)).toEqual(['step-000010.png', 'step-000020.png', 'step-000025.png']);
    // The sampler here ignores the weights, so a fixed generator gives identical sheets.
    expect(sheets[1].grid.data).toEqual(sheets[0].grid.data);
    expect([sheets[0].grid.width, sheets[0].grid.height]).toEqual([3 * 4 + 4, 2 * 4 + 3]);
    const plain = new SamplingModel({ seed: 4 });
    const without = await new Trainer(plain, { seed: 4 }).fit(new TinyRegressionData(4), { steps: 25 });
    expect(without.metrics).toEqual(summary.metrics);
    const before = tf.memory().numTensors;
    await withSamples.fit(new TinyRegressionData(4), { steps: 45 });
    expect(sheets.map((s) => s.step)).toEqual([10, 20, 25, 30, 40, 45]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    plain.dispose();

    const noSampler = new TinyRegressor({ seed: 4 });
    await expect(new Trainer(noSampler, { callbacks: [sampleImagesCallback({ every: 1, write: () => {} })] }).fit(new TinyRegressionData(4), { steps: 1 })).rejects.toThrow(
      /model.sample: expected a sample\(count, rng\) method on model kind "test\/tiny-regressor"/,
    );
    noSampler.dispose();
  });

  it('writes PNG files per step (node entry)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-samples-'));
    const model = new SamplingModel({ seed: 5 });
    await new Trainer(model, { callbacks: [sampleImageFiles(dir, { every: 5, count: 4, padding: 0 })] }).fit(new TinyRegressionData(5), { steps: 10 });
    expect(fs.readdirSync(dir).sort()).toEqual(['step-000005.png', 'step-000010.png']);
    const image = decodePng(fs.readFileSync(path.join(dir, 'step-000005.png')));
    expect([image.width, image.height]).toEqual([8, 8]);
    const expected = model.sample(4, new Rng('samples'));
    const values = expected.dataSync();
    // top-left pixel of the first image
    expect(image.data[0]).toBe(Math.round(((values[0] + 1) / 2) * 255));
    expected.dispose();
    model.dispose();
  });
});
