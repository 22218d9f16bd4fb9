import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfgen/core';
import { writeImageGrid, writePng } from '@tfgen/core/node';
import { loadMnist } from '@tfgen/datasets/node';
import {
  classifierScore,
  divergencesFromUniform,
  frechetDistance,
  kernelDistance,
  likelihoodSummary,
  loadMnistClassifier,
  precisionRecall,
  type Classifier,
} from '@tfgen/metrics';
import { join } from 'node:path';
import { ganContender, pixelCnnContender, vaeMnistContender, type Contender } from './contenders';
import { lossCurves } from './plots';
import type { ComparePreset } from './presets';
import { openRowCache, settingsFingerprint, valuesFingerprint } from './row-cache';
import { lateLossStd, timedSample, train, yieldToEventLoop } from './stats';

/** One contender's numbers on binarized MNIST. */
export interface MnistRow {
  readonly model: string;
  readonly family: 'GAN' | 'explicit';
  readonly description: string;
  readonly fcd: number;
  readonly kid: number;
  readonly kidStd: number;
  readonly precision: number;
  readonly recall: number;
  readonly classifierScore: number;
  /** Digit classes the classifier finds among the samples (of 10), and KL(classes || uniform). */
  readonly digitsCovered: number;
  readonly digitKl: number;
  readonly nllNats: number | null;
  readonly nllStandardError: number | null;
  readonly bitsPerDim: number | null;
  readonly nllKind: string | null;
  readonly nllCount: number | null;
  readonly lossStd: number;
  readonly diverged: boolean;
  readonly samplesPerSecond: number;
  readonly trainSeconds: number;
  /** Process CPU seconds of training (the machine may have been shared: wall time alone misleads). */
  readonly trainCpuSeconds: number;
  readonly steps: number;
  /** Generated samples the sample metrics used (vs `realCount` test images). */
  readonly sampleCount: number;
  readonly realCount: number;
  readonly gridFile: string;
  readonly lossFile: string;
}

/** Draws pixels ~ Bernoulli(p) (dynamic binarization), as 0/1 or as -1/1. */
function binarize(pixels: Float32Array, indices: ArrayLike<number>, rng: Rng, signed: boolean): Float32Array {
  const size = 28 * 28;
  const out = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    const base = indices[i] * size;
    for (let p = 0; p < size; p++) {
      const on = rng.next() < pixels[base + p];
      out[i * size + p] = on ? 1 : signed ? -1 : 0;
    }
  }
  return out;
}

/** A binary sample in [-1, 1] from images whose values are probabilities mapped to [-1, 1] (VAE means). */
function bernoulliFromSigned(images: tf.Tensor, rng: Rng): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.div(tf.add(images, 1), 2);
    const u = tf.randomUniform(images.shape, 0, 1, 'float32', rng.tfSeed());
    return tf.sub(tf.mul(tf.cast(tf.less(u, p), 'float32'), 2), 1);
  });
}

/**
 * Trains the MNIST contenders on the same dynamically binarized MNIST (GANs see pixels in {-1, 1},
 * explicit models in {0, 1}) and scores their samples with the shipped MNIST classifier.
 */
export async function runMnistStudy(
  preset: ComparePreset,
  outDir: string,
  seed: number,
  log: (line: string) => void,
  onRow?: (rows: readonly MnistRow[], classifierAccuracy: number) => void,
): Promise<{ rows: MnistRow[]; skipped: string[]; classifierAccuracy: number }> {
  const p = preset.mnist;
  const trainSet = loadMnist({ split: 'train', scale: '[0,1]', limit: p.trainImages });
  const testSet = loadMnist({ split: 'test', scale: '[0,1]', limit: Math.max(p.evalSamples, p.nllImages) });
  const classifier: Classifier = loadMnistClassifier();
  const evalRng = new Rng(seed).fork('mnist/eval');
  const order = Array.from({ length: p.evalSamples }, (_, i) => i);
  const realImages = tf.tensor4d(binarize(testSet.pixels, order, evalRng, true), [p.evalSamples, 28, 28, 1]);
  const nllImages = tf.tensor4d(binarize(testSet.pixels, Array.from({ length: p.nllImages }, (_, i) => i), new Rng(seed).fork('mnist/nll-binarization'), false), [p.nllImages, 28, 28, 1]);
  const realFeatures = classifier.features(realImages);
  const rows: MnistRow[] = [];
  const skipped: string[] = [];
  // Finished models are stored as they finish, so a killed run resumes from them; a retrained
  // classifier changes every score, so its weights (not just its accuracy) are part of the key.
  const cache = openRowCache(outDir);
  const classifierWeights = classifier.model.getWeights().map((w) => valuesFingerprint(w.dataSync() as Float32Array)).join('');
  const settings = settingsFingerprint({ sizes: p, unrollSteps: preset.mixture.unrollSteps, seed, classifier: classifierWeights });
  const makers: Array<() => Contender | null> = [
    ...p.gans.map((recipe) => () =>
      ganContender(recipe, { dataDim: 784, latentDim: 64, generatorUnits: [256, 512], discriminatorUnits: [512, 256], outputActivation: 'tanh', imageShape: [28, 28, 1] }, seed, { unrollSteps: preset.mixture.unrollSteps }),
    ),
    ...(p.vae ? [() => vaeMnistContender(seed, { nllSamples: p.nllImportanceSamples })] : []),
    ...(p.pixelCnn ? [() => pixelCnnContender(seed, { layers: p.pixelCnnLayers, filters: p.pixelCnnFilters })] : []),
  ];
  const names = [...p.gans, ...(p.vae ? ['vae'] : []), ...(p.pixelCnn ? ['pixelcnn'] : [])];
  try {
    for (const [index, make] of makers.entries()) {
      const key = `mnist/${names[index]}/${settings}`;
      const cached = cache.get<MnistRow>(key, (row) => [row.gridFile, row.lossFile]);
      if (cached) {
        rows.push(cached);
        onRow?.(rows, classifier.testAccuracy);
        log(`[mnist] ${cached.model}: finished in an earlier run (${cached.trainCpuSeconds.toFixed(0)} CPU s), reused`);
        continue;
      }
      const contender = make();
      if (!contender) {
        skipped.push('pixelcnn (this build of @tfgen/explicit has no createPixelCnn)');
        continue;
      }
      try {
        const isPixelCnn = contender.name === 'pixelcnn';
        const steps = isPixelCnn ? p.pixelCnnSteps : contender.name === 'vae' ? p.vaeSteps : p.steps;
        log(`[mnist] training ${contender.name} for ${steps} steps`);
        const signed = contender.family === 'GAN';
        const trace = await train(
          contender,
          (rng) => {
            const indices = Array.from({ length: p.batchSize }, () => rng.int(trainSet.count));
            return tf.tensor4d(binarize(trainSet.pixels, indices, rng, signed), [p.batchSize, 28, 28, 1]);
          },
          steps,
          seed,
        );
        await yieldToEventLoop();
        const count = isPixelCnn ? p.pixelCnnSamples : p.evalSamples;
        const timed = timedSample(contender, count, seed);
        const samples = contender.name === 'vae' ? bernoulliFromSigned(timed.samples, new Rng(seed).fork('vae-binarize')) : timed.samples.clone();
        timed.samples.dispose();
        const finite = tf.tidy(() => tf.all(tf.isFinite(samples)).dataSync()[0] === 1);
        const fakeFeatures = classifier.features(samples);
        const probabilities = classifier.predict(samples);
        const gridFile = `samples-mnist-${contender.name}.png`;
        const lossFile = `loss-mnist-${contender.name}.png`;
        const shown = tf.tidy(() => tf.slice(samples, [0, 0, 0, 0], [Math.min(64, count), 28, 28, 1]));
        writeImageGrid(join(outDir, gridFile), shown, { columns: 8, range: '[-1,1]' });
        shown.dispose();
        writePng(join(outDir, lossFile), lossCurves(contender.lossKeys.map((k) => trace.losses[k])));
        const realForPr = count < p.evalSamples ? tf.slice(realFeatures, [0, 0], [count, -1]) : realFeatures.clone();
        const fcd = finite ? frechetDistance(realFeatures, fakeFeatures).distance : NaN;
        const kidSize = Math.min(count, p.evalSamples, 1000);
        const kid = finite && kidSize >= 2 ? kernelDistance(realFeatures, fakeFeatures, { subsets: p.kidSubsets, subsetSize: kidSize, rng: seed }) : { kid: NaN, std: NaN };
        const pr = finite && count > 3 ? precisionRecall(realForPr, fakeFeatures, { k: 3 }) : { precision: NaN, recall: NaN };
        realForPr.dispose();
        const score = classifierScore(probabilities);
        const classes = new Array<number>(10).fill(0);
        const predicted = tf.tidy(() => tf.argMax(probabilities, 1).dataSync());
        for (const c of predicted) classes[c]++;
        tf.dispose([fakeFeatures, probabilities, samples]);
        await yieldToEventLoop();
        let likelihood: ReturnType<typeof likelihoodSummary> | null = null;
        if (contender.nll) likelihood = likelihoodSummary(contender.nll(nllImages, new Rng(seed).fork('nll')), 784);
        const row: MnistRow = {
          model: contender.name,
          family: contender.family,
          description: contender.description,
          fcd,
          kid: kid.kid,
          kidStd: kid.std,
          precision: pr.precision,
          recall: pr.recall,
          classifierScore: score.score,
          digitsCovered: classes.filter((c) => c > 0).length,
          digitKl: divergencesFromUniform(classes).reverseKl,
          nllNats: likelihood?.nllNats ?? null,
          nllStandardError: likelihood?.standardError ?? null,
          bitsPerDim: likelihood?.bitsPerDim ?? null,
          nllKind: contender.nllKind ?? null,
          nllCount: likelihood?.count ?? null,
          lossStd: lateLossStd(trace, contender.lossKeys[0]),
          diverged: trace.diverged || !finite,
          samplesPerSecond: timed.perSecond,
          trainSeconds: trace.seconds,
          trainCpuSeconds: trace.cpuSeconds,
          steps: trace.steps,
          sampleCount: count,
          realCount: p.evalSamples,
          gridFile,
          lossFile,
        };
        rows.push(row);
        cache.put(key, row);
        onRow?.(rows, classifier.testAccuracy);
        log(`[mnist] ${contender.name}: FCD ${fcd.toFixed(2)}, precision ${pr.precision.toFixed(3)}, recall ${pr.recall.toFixed(3)}, ${row.samplesPerSecond.toFixed(1)} samples/s, ${trace.seconds.toFixed(1)} s (${trace.cpuSeconds.toFixed(1)} CPU s)`);
      } finally {
        contender.dispose();
      }
    }
  } finally {
    tf.dispose([realImages, nllImages, realFeatures]);
    classifier.dispose();
  }
  return { rows, skipped, classifierAccuracy: classifier.testAccuracy };
}
