// Every model of `tfgen train --model` end to end on tiny settings, in-process: train -> sample ->
// eval -> resume, checking the files each step writes. The image metrics use an untrained
// classifier of the shipped architecture (seeded), so these tests do not depend on shipped weights.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng, withSeededRandom } from '@tfgen/core';
import { buildClassifierModel, wrapClassifier, type Classifier } from '@tfgen/metrics';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONDITIONAL_MODELS, MODEL_NAMES, type ModelName, type TrainConfigInput } from './config';
import { runEval } from './evaluate';
import { runSample } from './sample';
import { resumeRun, runTrain } from './train';
import { readWav } from './wav';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-models-'));
const quiet = { progress: 'off', log: () => undefined, handleSignals: false } as const;
const tiny = { steps: 2, batchSize: 4, logEvery: 1, sampleEvery: 100, checkpointEvery: 100, seed: 5 } as const;
const tinyImages = { ...tiny, sampleCount: 4, imageLimit: 64, hiddenUnits: 4 } as const;

/** The settings each model is tested with (the smallest that exercise it). */
const CASES: Array<{ model: ModelName; config: Omit<TrainConfigInput, 'out' | 'model'> }> = [
  { model: 'dcgan', config: { ...tinyImages, dataset: 'mnist', latentDim: 8 } },
  { model: 'sngan-resnet', config: { ...tinyImages, dataset: 'mnist', latentDim: 8, discriminatorSteps: 2 } },
  { model: 'stylegan2', config: { ...tinyImages, dataset: 'fashion-mnist', latentDim: 8 } },
  { model: 'cgan-concat', config: { ...tinyImages, dataset: 'mnist', latentDim: 8 } },
  { model: 'acgan', config: { ...tinyImages, dataset: 'mnist', latentDim: 8 } },
  { model: 'cgan-projection', config: { ...tinyImages, dataset: 'mnist', latentDim: 8, discriminatorSteps: 1 } },
  // PixelCNN draws pixel by pixel (784 network passes per sample batch): no training-time sheets.
  { model: 'pixelcnn', config: { ...tinyImages, dataset: 'mnist', hiddenLayers: 1, sampleCount: 0 } },
  { model: 'wavenet', config: { ...tiny, dataset: 'sine', hiddenUnits: 4, hiddenLayers: 3, sampleRate: 1000 } },
];

function pngSize(file: string): [number, number] {
  const png = pngjs.PNG.sync.read(fs.readFileSync(file));
  return [png.width, png.height];
}

/** Grid size for `count` 28x28 images in `columns` columns with 1-pixel padding (@tfgen/core's imageGrid). */
function gridSize(count: number, columns: number): [number, number] {
  const used = Math.min(columns, count);
  const rows = Math.ceil(count / columns);
  return [used * 28 + used + 1, rows * 28 + rows + 1];
}

function metricLines(runDir: string): Array<Record<string, number>> {
  return fs
    .readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('every model trains, samples, evaluates and resumes', () => {
  let classifier: Classifier;
  beforeAll(() => {
    classifier = wrapClassifier(
      withSeededRandom(new Rng(1), () => buildClassifierModel(10)),
      10,
    );
  });
  afterAll(() => classifier.dispose());

  it('covers every model the CLI lists', () => {
    const tested = new Set([...CASES.map((c) => c.model), 'mlp-gan', 'vae']); // mlp-gan: test/e2e.test.ts; vae: below
    expect([...MODEL_NAMES].filter((m) => !tested.has(m))).toEqual([]);
  });

  for (const { model, config } of CASES) {
    it(model, async () => {
      const out = path.join(work, model);
      const trained = await runTrain({ ...config, model, out } as TrainConfigInput, quiet);
      expect(trained.summary.steps).toBe(2);
      expect(trained.config.model).toBe(model);
      expect(metricLines(out).map((r) => r.step)).toEqual([1, 2]);
      expect(fs.existsSync(path.join(out, 'checkpoints/checkpoint.tfgen'))).toBe(true);
      expect(fs.readFileSync(path.join(out, 'loss-curve.svg'), 'utf8')).toMatch(/^<svg/);
      const audio = model === 'wavenet';
      if (model !== 'pixelcnn') expect(fs.readdirSync(path.join(out, 'samples'))).toEqual([audio ? 'step-000002.wav' : 'step-000002.png']);

      if (audio) {
        // 0.25 s clips during training; `sample` writes --count clips of --seconds each.
        expect(readWav(path.join(out, 'samples/step-000002.wav')).samples.length).toBe(250);
        const sampled = await runSample(out, { count: 2, seconds: 0.05, seed: 3 });
        expect(sampled.files.map((f) => path.basename(f))).toEqual(['sample-step-000002.wav', 'sample-step-000002-1.wav']);
        for (const file of sampled.files) {
          const wav = readWav(file);
          expect(wav).toMatchObject({ sampleRate: 1000, channels: 1, bitsPerSample: 16 });
          expect(wav.samples.length).toBe(50);
          expect(Math.max(...wav.samples.map(Math.abs))).toBeLessThanOrEqual(1);
        }
        const header = fs.readFileSync(sampled.file);
        expect(header.toString('ascii', 0, 4)).toBe('RIFF');
        expect(header.toString('ascii', 8, 12)).toBe('WAVE');
        expect(header.length).toBe(44 + 2 * 50);
      } else if (CONDITIONAL_MODELS.includes(model)) {
        const grid = await runSample(out, { count: 2 });
        expect(grid.count).toBe(20);
        expect(pngSize(grid.file)).toEqual(gridSize(20, 2)); // one row of 2 per class
        const one = await runSample(out, { count: 4, classId: 7, out: path.join(out, 'seven.png') });
        expect(pngSize(one.file)).toEqual(gridSize(4, 2));
        await expect(runSample(out, { classId: 10 })).rejects.toThrow(/--class: expected an integer in \[0, 9\], got 10/);
      } else {
        const grid = await runSample(out, { count: model === 'pixelcnn' ? 1 : 6 });
        expect(pngSize(grid.file)).toEqual(model === 'pixelcnn' ? gridSize(1, 1) : gridSize(6, 3));
        await expect(runSample(out, { classId: 1 })).rejects.toThrow(`--class: expected left out for model "${model}" (class-conditional models only`);
        await expect(runSample(out, { seconds: 1 })).rejects.toThrow(`--seconds: expected left out for model "${model}" (audio models only: wavenet)`);
      }

      const count = audio || model === 'pixelcnn' ? 4 : 8;
      const evaluation = await runEval(out, { samples: count, classifier });
      const byName = Object.fromEntries(evaluation.metrics.map((m) => [m.name, m.value]));
      expect(JSON.parse(fs.readFileSync(evaluation.files.json, 'utf8')).metrics.length).toBe(evaluation.metrics.length);
      expect(fs.readFileSync(evaluation.files.table, 'utf8')).toMatch(/\| metric \| value \| note \|/);
      if (audio) {
        // A 2-step WaveNet is close to a uniform guess over 256 mu-law codes: ln 256 = 5.55 nats.
        expect(byName['NLL (nats/sample)']).toBeGreaterThan(4);
        expect(byName['NLL (nats/sample)']).toBeLessThan(7);
        expect(byName['bits/sample']).toBeCloseTo(byName['NLL (nats/sample)'] / Math.LN2, 6);
      } else {
        expect(byName.samples).toBe(count);
        expect(byName.FCD).toBeGreaterThanOrEqual(0);
        expect(byName.KID).toBeGreaterThan(-1);
        expect(byName['classifier score']).toBeGreaterThanOrEqual(1 - 1e-9);
        expect(byName['classifier score']).toBeLessThanOrEqual(10);
        for (const name of ['precision', 'recall']) expect(byName[name]).toBeGreaterThanOrEqual(0), expect(byName[name]).toBeLessThanOrEqual(1);
        if (CONDITIONAL_MODELS.includes(model)) expect(byName['class accuracy %']).toBeGreaterThanOrEqual(0);
        if (model === 'pixelcnn') {
          // An almost untrained model: about ln 2 nats per binary pixel; bits/dim = nll / (784 ln 2).
          expect(byName['test NLL (nats)']).toBeGreaterThan(100);
          expect(byName['bits/dim']).toBeCloseTo(byName['test NLL (nats)'] / (784 * Math.LN2), 6);
        }
      }

      const resumed = await resumeRun(out, { steps: 3 }, quiet);
      expect(resumed.summary.steps).toBe(3);
      expect(metricLines(out).map((r) => r.step)).toEqual([1, 2, 3]);
    });
  }

  it('resume continues exactly for a conditional GAN (labels in the batches) and WaveNet (audio windows)', async () => {
    const losses = (dir: string) => metricLines(dir).map(({ time: _time, ...rest }) => rest);
    for (const { model, config } of CASES.filter((c) => c.model === 'acgan' || c.model === 'wavenet')) {
      const straight = path.join(work, `${model}-straight`);
      const split = path.join(work, `${model}-split`);
      await runTrain({ ...config, model, out: straight, steps: 3, sampleCount: 0 } as TrainConfigInput, quiet);
      await runTrain({ ...config, model, out: split, steps: 2, sampleCount: 0 } as TrainConfigInput, quiet);
      await resumeRun(split, { steps: 3 }, quiet);
      expect(losses(split), model).toEqual(losses(straight));
      expect(losses(split).length).toBe(3);
    }
  });

  it('dcgan on stacked MNIST: eval counts the modes of 1000', async () => {
    const out = path.join(work, 'stacked');
    await runTrain({ ...tinyImages, model: 'dcgan', dataset: 'stacked-mnist', out, latentDim: 8 }, quiet);
    const grid = await runSample(out, { count: 4 });
    expect(pngSize(grid.file)).toEqual(gridSize(4, 2));
    const evaluation = await runEval(out, { samples: 20, classifier });
    const modes = evaluation.metrics.find((m) => m.name === 'modes covered')!;
    expect(modes.value).toBeGreaterThanOrEqual(1);
    expect(modes.value).toBeLessThanOrEqual(20);
    expect(modes.note).toMatch(/of 1000/);
  });

  it('dcgan on an image folder: trains, samples and resumes; eval says no classifier knows the images', async () => {
    const folder = path.join(work, 'folder');
    fs.mkdirSync(folder);
    const rng = new Rng(4);
    for (let i = 0; i < 6; i++) {
      const png = new pngjs.PNG({ width: 12, height: 10 });
      for (let p = 0; p < png.data.length; p++) png.data[p] = p % 4 === 3 ? 255 : Math.floor(256 * rng.next());
      fs.writeFileSync(path.join(folder, `image-${i}.png`), pngjs.PNG.sync.write(png));
    }
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not an image');
    const out = path.join(work, 'folder-run');
    const config = { ...tinyImages, model: 'dcgan', dataset: 'image-folder', dataDir: folder, imageSize: 8, out, latentDim: 8 } as const;
    await runTrain(config, quiet);
    const grid = await runSample(out, { count: 4 });
    expect(pngSize(grid.file)).toEqual([2 * 8 + 3, 2 * 8 + 3]);
    await expect(runEval(out, { classifier })).rejects.toThrow(/run dataset: expected mnist, fashion-mnist or stacked-mnist .*, got "image-folder"/);
    expect((await resumeRun(out, { steps: 3 }, quiet)).summary.steps).toBe(3);
    await expect(runTrain({ ...config, batchSize: 8, out: path.join(work, 'folder-small') }, quiet)).rejects.toThrow(
      /config\.dataDir \(--data-dir\): expected a folder with at least --batch-size 8 images, got "6 images in /,
    );
  });

  it('vae: eval reports test NLL and bits/dim next to the sample metrics', async () => {
    const out = path.join(work, 'vae');
    await runTrain({ ...tinyImages, model: 'vae', dataset: 'mnist', out, hiddenUnits: 8, latentDim: 2 }, quiet);
    const evaluation = await runEval(out, { samples: 8, classifier });
    const names = evaluation.metrics.map((m) => m.name);
    expect(names).toEqual(['FCD', 'KID', 'classifier score', 'precision', 'recall', 'samples', 'test -ELBO (nats)', 'test NLL (nats)', 'bits/dim']);
    const nll = evaluation.metrics.find((m) => m.name === 'test NLL (nats)')!.value;
    expect(evaluation.metrics.find((m) => m.name === 'bits/dim')!.value).toBeCloseTo(nll / (784 * Math.LN2), 6);
  });
});
