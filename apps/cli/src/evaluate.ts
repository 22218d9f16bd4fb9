import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, Rng, expectInteger } from '@tfgen/core';
import { muLawEncode } from '@tfgen/datasets';
import { loadFashionMnist, loadMnist } from '@tfgen/datasets/node';
import { PixelCnn, Vae, type WaveNet } from '@tfgen/explicit';
import {
  classifierScore,
  frechetDistance,
  kernelDistance,
  likelihoodSummary,
  loadFashionMnistClassifier,
  loadMnistClassifier,
  modeCoverage,
  precisionRecall,
  stackedMnistModes,
  type Classifier,
} from '@tfgen/metrics';
import type { BackendName, TrainConfig } from './config';
import { audioSignal } from './registry';
import { loadRun, type LoadedRun } from './run-model';

/** Options of {@link runEval}. */
export interface EvalOptions {
  /**
   * Samples: 2D points (default 2500, as in PacGAN); generated images for the sample metrics
   * (default 500; pixelcnn 100, as it draws pixel by pixel) and as many test images as the reference
   * and for the NLL; audio windows for WaveNet's NLL (default 16).
   */
  readonly samples?: number;
  readonly seed?: number;
  readonly backend?: BackendName;
  /**
   * The feature extractor of the image metrics (programmatic use; the caller disposes it). Default:
   * the shipped MNIST or Fashion-MNIST classifier of @tfgen/metrics for the run's dataset.
   */
  readonly classifier?: Classifier;
}

/** One metric of an evaluation. */
export interface EvalMetric {
  readonly name: string;
  readonly value: number;
  readonly note?: string;
}

/** What {@link runEval} reports. */
export interface EvalResult {
  readonly runDir: string;
  readonly step: number;
  readonly model: string;
  readonly dataset: string;
  readonly metrics: EvalMetric[];
  /** The JSON and markdown copies written into the run folder. */
  readonly files: { readonly json: string; readonly table: string };
}

/** Binary image models (trained on dynamically binarized pixels): the reference is binarized too. */
function binaryModel(config: TrainConfig): boolean {
  return config.model === 'vae' || config.model === 'pixelcnn';
}

/** A Bernoulli draw in {-1, 1} from images whose values are probabilities mapped to [-1, 1] (VAE decoder means). */
function bernoulliFromSigned(images: tf.Tensor, rng: Rng): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.div(tf.add(images, 1), 2);
    const u = tf.randomUniform(images.shape, 0, 1, 'float32', rng.tfSeed());
    return tf.sub(tf.mul(tf.cast(tf.less(u, p), 'float32'), 2), 1);
  });
}

/** Samples as the model's data looks: VAE means become binary draws, everything else as generated. */
function drawImages(loaded: LoadedRun, count: number, rng: Rng, labels?: number[]): tf.Tensor4D {
  const images = loaded.model.sample(count, rng, labels);
  if (!(loaded.model instanceof Vae)) return images as tf.Tensor4D;
  const binary = bernoulliFromSigned(images, rng.fork('binarize'));
  images.dispose();
  return binary as tf.Tensor4D;
}

function pointMetrics(loaded: LoadedRun, count: number, seed: number): EvalMetric[] {
  const mixture = loaded.data.mixture!;
  const samples = loaded.model.sample(count, new Rng(seed));
  const points = samples.dataSync() as Float32Array;
  samples.dispose();
  const coverage = modeCoverage(points, { centers: mixture.centers, std: mixture.std });
  return [
    { name: 'modes covered', value: coverage.modesCovered, note: `of ${coverage.modeCount}` },
    { name: 'high quality %', value: 100 * coverage.highQualityFraction, note: 'within 3 std of a mode' },
    { name: 'reverse KL (nats)', value: coverage.reverseKl, note: 'mode histogram vs uniform' },
    { name: 'samples', value: count },
  ];
}

/** FCD, KID, classifier score, precision/recall (and class accuracy for conditional GANs) with the shipped classifier. */
function classifierMetrics(loaded: LoadedRun, classifier: Classifier, count: number, seed: number): EvalMetric[] {
  const config = loaded.config;
  const load = config.dataset === 'mnist' ? loadMnist : loadFashionMnist;
  const binary = binaryModel(config);
  const test = load({ split: 'test', scale: '[-1,1]', limit: count, ...(binary ? { binarize: 'static' as const, binarizeSeed: seed } : {}) });
  const real = test.toTensor(0, count);
  const numClasses = loaded.numClasses;
  const labels = numClasses !== undefined ? Array.from({ length: count }, (_, i) => i % numClasses) : undefined;
  const fake = drawImages(loaded, count, new Rng(seed).fork('eval-samples'), labels);
  const metrics: EvalMetric[] = [];
  try {
    const finite = tf.tidy(() => tf.all(tf.isFinite(fake)).dataSync()[0] === 1);
    if (!finite) return [{ name: 'samples finite', value: 0, note: 'the generator produced NaN or Infinity; no sample metric' }];
    const [realFeatures, fakeFeatures] = [classifier.features(real), classifier.features(fake)];
    const probabilities = classifier.predict(fake);
    try {
      const which = `${count} samples vs ${count} ${binary ? 'statically binarized ' : ''}${config.dataset} test images`;
      // Subsets of half the samples (at most 1000), so the std over subsets measures something.
      const kid = kernelDistance(realFeatures, fakeFeatures, { subsets: 10, subsetSize: Math.max(2, Math.min(1000, Math.floor(count / 2))), rng: seed });
      const pr = count > 3 ? precisionRecall(realFeatures, fakeFeatures, { k: 3 }) : { precision: NaN, recall: NaN };
      const score = classifierScore(probabilities);
      metrics.push(
        { name: 'FCD', value: frechetDistance(realFeatures, fakeFeatures).distance, note: `Frechet classifier distance, ${which}` },
        { name: 'KID', value: kid.kid, note: `kernel distance, std ${kid.std.toPrecision(3)} over ${kid.subsets} subsets of ${kid.subsetSize}` },
        { name: 'classifier score', value: score.score, note: `Inception-style score with the ${config.dataset} classifier (max ${classifier.numClasses})` },
        { name: 'precision', value: pr.precision, note: 'k = 3 nearest neighbours in classifier features' },
        { name: 'recall', value: pr.recall, note: 'k = 3' },
      );
      if (labels) {
        const predicted = tf.tidy(() => tf.argMax(probabilities, 1).dataSync());
        const hits = labels.filter((label, i) => predicted[i] === label).length;
        metrics.push({ name: 'class accuracy %', value: (100 * hits) / count, note: 'the classifier agrees with the requested class' });
      }
    } finally {
      tf.dispose([realFeatures, fakeFeatures, probabilities]);
    }
  } finally {
    tf.dispose([real, fake]);
  }
  metrics.push({ name: 'samples', value: count });
  return metrics;
}

function stackedMnistMetrics(loaded: LoadedRun, classifier: Classifier, count: number, seed: number): EvalMetric[] {
  const fake = drawImages(loaded, count, new Rng(seed).fork('eval-samples'));
  try {
    const modes = stackedMnistModes(fake, classifier);
    return [
      { name: 'modes covered', value: modes.modesCovered, note: 'of 1000 digit triples (VEEGAN/PacGAN used 26,000 samples)' },
      { name: 'reverse KL (nats)', value: modes.reverseKl, note: 'mode histogram vs uniform' },
      { name: 'samples', value: count },
    ];
  } finally {
    fake.dispose();
  }
}

/** Test-set likelihood of the explicit image models, in nats per image and bits per dimension. */
function imageLikelihood(loaded: LoadedRun, count: number, seed: number): EvalMetric[] {
  const load = loaded.config.dataset === 'mnist' ? loadMnist : loadFashionMnist;
  const test = load({ split: 'test', scale: '[0,1]', binarize: 'static', limit: count });
  const x = test.toTensor(0, count);
  const dimensions = test.imageSize;
  const note = `${count} statically binarized test images`;
  try {
    if (loaded.model instanceof PixelCnn) {
      const nll = loaded.model.nll(x);
      const summary = likelihoodSummary(nll.dataSync(), dimensions);
      nll.dispose();
      return [
        { name: 'test NLL (nats)', value: summary.nllNats, note: `exact, ${note}; standard error ${summary.standardError.toFixed(2)}` },
        { name: 'bits/dim', value: summary.bitsPerDim, note: `${dimensions} binary dimensions` },
      ];
    }
    const vae = loaded.model as Vae;
    const elbo = vae.elbo(x, new Rng(seed));
    const ll = vae.logLikelihood(x, { samples: 100, chunkSize: 25, rng: new Rng(seed) });
    const negElbo = tf.tidy(() => tf.neg(tf.mean(elbo)).dataSync()[0]);
    const nll = tf.tidy(() => tf.neg(ll).dataSync());
    tf.dispose([elbo, ll]);
    const summary = likelihoodSummary(nll, dimensions);
    return [
      { name: 'test -ELBO (nats)', value: negElbo, note },
      { name: 'test NLL (nats)', value: summary.nllNats, note: `importance sampling, k=100; standard error ${summary.standardError.toFixed(2)}` },
      { name: 'bits/dim', value: summary.bitsPerDim, note: `${dimensions} binary dimensions` },
    ];
  } finally {
    x.dispose();
  }
}

/** WaveNet's NLL per sample on windows of a held-out signal (sine: new random phases; chirp: deterministic, so the training signal). */
function audioLikelihood(loaded: LoadedRun, windows: number, seed: number): EvalMetric[] {
  const { config } = loaded;
  const { sampleRate, levels, windowLength } = loaded.data.audio!;
  const heldOutSeed = config.seed + 1 + seed;
  const signal = audioSignal(config.dataset, sampleRate, heldOutSeed);
  const codes = muLawEncode(signal, levels);
  const rng = new Rng(heldOutSeed).fork('eval-windows');
  const batch = new Int32Array(windows * windowLength);
  for (let w = 0; w < windows; w++) {
    const start = rng.int(codes.length - windowLength + 1);
    batch.set(codes.subarray(start, start + windowLength), w * windowLength);
  }
  const x = tf.tensor2d(batch, [windows, windowLength], 'int32');
  const nll = (loaded.model as unknown as WaveNet).nll(x);
  const summary = likelihoodSummary(nll.dataSync(), windowLength - 1);
  tf.dispose([x, nll]);
  const source = config.dataset === 'sine' ? 'held-out sines (new phases)' : 'the chirp signal (deterministic: the training signal)';
  return [
    { name: 'NLL (nats/sample)', value: summary.nllNats / (windowLength - 1), note: `${windows} windows of ${windowLength} mu-law codes from ${source}` },
    { name: 'bits/sample', value: summary.bitsPerDim, note: `of log2(${levels}) = ${Math.log2(levels).toFixed(1)} for a uniform guess` },
  ];
}

/** The metric table as markdown. */
export function evalTable(result: Omit<EvalResult, 'files'>): string {
  const lines = [
    `# tfgen eval: ${result.model} on ${result.dataset}, step ${result.step}`,
    '',
    '| metric | value | note |',
    '| --- | ---: | --- |',
    ...result.metrics.map((m) => `| ${m.name} | ${formatValue(m.value)} | ${m.note ?? ''} |`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Integers as they are, other numbers to 4 significant digits. */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(1) : value.toPrecision(4);
}

/**
 * Metrics on a run's checkpoint, written to `<run>/eval-step-N.json` and `.md`:
 * - 2D mixtures: modes covered, high-quality fraction and reverse KL over 2500 samples (PacGAN's protocol);
 * - image models on MNIST / Fashion-MNIST: FCD, KID, classifier score, precision/recall with the shipped
 *   classifier of @tfgen/metrics (and class accuracy for conditional GANs); stacked MNIST: modes of 1000;
 * - VAE and PixelCNN: test NLL and bits/dim besides; WaveNet: NLL and bits per audio sample.
 * Image-folder runs are an error: no shipped classifier knows their images (look at `tfgen sample` grids).
 */
export async function runEval(runDir: string, options: EvalOptions = {}): Promise<EvalResult> {
  const loaded = await loadRun(runDir, options.backend);
  const seed = expectInteger(options.seed ?? 0, '--seed', 0);
  const { config, data } = loaded;
  const metrics: EvalMetric[] = [];
  try {
    if (data.kind === 'points') {
      metrics.push(...pointMetrics(loaded, expectInteger(options.samples ?? 2500, '--samples', 1, 1_000_000), seed));
    } else if (data.kind === 'audio') {
      metrics.push(...audioLikelihood(loaded, expectInteger(options.samples ?? 16, '--samples', 1, 10_000), seed));
    } else if (config.dataset === 'mnist' || config.dataset === 'fashion-mnist' || config.dataset === 'stacked-mnist') {
      const stacked = config.dataset === 'stacked-mnist';
      const count = expectInteger(options.samples ?? (stacked ? 2000 : config.model === 'pixelcnn' ? 100 : 500), '--samples', 2, stacked ? 100_000 : 10_000);
      const classifier = options.classifier ?? (config.dataset === 'fashion-mnist' ? loadFashionMnistClassifier() : loadMnistClassifier());
      try {
        metrics.push(...(stacked ? stackedMnistMetrics(loaded, classifier, count, seed) : classifierMetrics(loaded, classifier, count, seed)));
      } finally {
        if (!options.classifier) classifier.dispose();
      }
      if (binaryModel(config)) metrics.push(...imageLikelihood(loaded, count, seed));
    } else {
      throw new ArgumentError('run dataset', 'mnist, fashion-mnist or stacked-mnist for image metrics (the shipped classifiers know those)', config.dataset);
    }
    const stem = path.join(loaded.run.dir, `eval-step-${String(loaded.step).padStart(6, '0')}`);
    const result = { runDir: loaded.run.dir, step: loaded.step, model: config.model, dataset: config.dataset, metrics };
    const files = { json: `${stem}.json`, table: `${stem}.md` };
    fs.writeFileSync(files.json, `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(files.table, evalTable(result));
    return { ...result, files };
  } finally {
    loaded.dispose();
  }
}

