/**
 * Experiment: a conditional GAN on MNIST, judged by a held-out MNIST classifier: for each class c we
 * draw samples with `sampleByClass(generator, [c, ...])` and report how often the classifier says c.
 *
 * Run (from packages/architectures; the vite-node config resolves @tfgen/* to sources like the tests):
 *   npx vite-node --config scripts/vite-node.config.ts scripts/cgan-mnist.ts -- KIND STEPS BATCH WIDTH SEED
 * e.g. `... scripts/cgan-mnist.ts -- acgan 600 32 16 1`. KIND is concat | acgan | projection.
 * Judge: @tfgen/metrics' shipped MNIST classifier (TFGEN_OWN_CLASSIFIER=1: a small CNN trained here instead).
 * Backend: wasm with @tfgen/core's conv-gradient kernels. Writes docs/results/architectures-cgan-mnist-KIND.json
 * and a sample grid PNG next to it; the markdown table in docs/results/architectures-cgan-mnist.md
 * is assembled from those JSON files by hand.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, Trainer, initBackend, withSeededRandom } from '@tfgen/core';
import { writeImageGrid } from '@tfgen/core/node';
import { loadMnist } from '@tfgen/datasets/node';
import { loadMnistClassifier } from '@tfgen/metrics';
import { createGan, vanillaGan } from '@tfgen/strategies';
import { conditionalGan, sampleByClass, snganResnetVariant, type ConditionalGanKind } from '../src/index';

const args = process.argv.slice(2).filter((a) => a !== '--');
const kind = (args[0] ?? 'acgan') as ConditionalGanKind;
const steps = Number(args[1] ?? 600);
const batchSize = Number(args[2] ?? 32);
const width = Number(args[3] ?? 16);
const seed = Number(args[4] ?? 1);
const samplesPerClass = 100;
const here = dirname(fileURLToPath(import.meta.url));
const results = join(here, '../../../docs/results');

await initBackend({ prefer: 'wasm' }); // registers core's conv-gradient kernels for wasm
console.log(`backend ${tf.getBackend()}; ${kind}, ${steps} steps, batch ${batchSize}, width ${width}, seed ${seed}`);

interface Judge {
  predict(images: tf.Tensor): tf.Tensor2D;
  testAccuracy: number;
  source: string;
}

/** The metrics package's shipped MNIST classifier; with TFGEN_OWN_CLASSIFIER=1 a small CNN trained here on the train split. */
async function heldOutClassifier(test: { x: tf.Tensor; y: Int32Array }): Promise<Judge> {
  if (process.env.TFGEN_OWN_CLASSIFIER !== '1') {
    const classifier = loadMnistClassifier();
    const predict = (x: tf.Tensor) => classifier.predict(x);
    return { predict, testAccuracy: accuracy(predict, test.x, test.y), source: '@tfgen/metrics loadMnistClassifier() (shipped weights)' };
  }
  const model = withSeededRandom(new Rng(`classifier-${seed}`), () =>
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 64, activation: 'relu' }),
        tfl.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    }),
  );
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const train = loadMnist({ split: 'train', scale: '[-1,1]' }).batches({ batchSize: 128, seed, withLabels: true });
  const started = performance.now();
  const classifierBatches = Math.min(train.batchesPerEpoch, Number(process.env.TFGEN_CLASSIFIER_BATCHES ?? Infinity));
  for (let i = 0; i < classifierBatches; i++) {
    const batch = train.next();
    await model.trainOnBatch(batch.x, tf.cast(batch.y!, 'float32'));
    tf.dispose([batch.x, batch.y!]);
  }
  const predict = (x: tf.Tensor) => model.predict(x) as tf.Tensor2D;
  const testAccuracy = accuracy(predict, test.x, test.y);
  console.log(`classifier: 1 epoch in ${((performance.now() - started) / 1000).toFixed(0)} s, test accuracy ${testAccuracy.toFixed(4)}`);
  return { predict, testAccuracy, source: 'small CNN trained by this script (1 epoch, MNIST train split)' };
}

function accuracy(predict: (x: tf.Tensor) => tf.Tensor2D, x: tf.Tensor, labels: Int32Array | number[]): number {
  const predicted = tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < x.shape[0]; start += 500) {
      const size = Math.min(500, x.shape[0] - start);
      parts.push(tf.argMax(predict(tf.slice(x, [start, 0, 0, 0], [size, 28, 28, 1])), 1));
    }
    return tf.concat(parts).dataSync();
  });
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

const testSet = loadMnist({ split: 'test', scale: '[-1,1]' }).batches({ batchSize: 10000, seed: 0, shuffle: false, withLabels: true }).next();
const judge = await heldOutClassifier({ x: testSet.x, y: Int32Array.from(testSet.y!.dataSync()) });

const gan = conditionalGan({ kind, numClasses: 10, imageShape: [28, 28, 1], width, latentDim: 64, seed });
const model = createGan({
  generator: gan.generator,
  discriminator: gan.discriminator,
  latentDim: gan.latentDim,
  // Projection discriminators are trained with the hinge loss (Miyato & Koyama 2018); the others non-saturating.
  variant: kind === 'projection' ? snganResnetVariant({ discriminatorSteps: 1 }) : vanillaGan(),
  conditional: { numClasses: 10 },
  ...(kind === 'acgan' ? { auxiliaryClassifier: {} } : {}),
});
const data = loadMnist({ split: 'train', scale: '[-1,1]' }).batches({ batchSize, seed, withLabels: true });
const trainer = new Trainer(model, { seed });
const started = performance.now();
const log: { step: number; accuracy: number; trainSeconds: number }[] = [];
const evaluate = (rngLabel: string) => {
  const labels = Array.from({ length: 10 * samplesPerClass }, (_, i) => Math.floor(i / samplesPerClass));
  const images = sampleByClass(gan.generator, labels, new Rng(rngLabel));
  const perClass = Array.from({ length: 10 }, (_, c) =>
    accuracy(judge.predict, tf.slice(images, [c * samplesPerClass], [samplesPerClass]), labels.slice(c * samplesPerClass, (c + 1) * samplesPerClass)),
  );
  const overall = accuracy(judge.predict, images, labels);
  return { images, perClass, overall };
};
let done = 0;
let fitSeconds = 0;
const chunk = Math.max(1, Math.round(steps / 4));
while (done < steps) {
  const target = Math.min(steps, done + chunk);
  const summary = await trainer.fit(data, { steps: target });
  done = summary.steps;
  fitSeconds += summary.seconds;
  const { images, overall } = evaluate(`eval-${done}`);
  tf.dispose(images);
  const seconds = (performance.now() - started) / 1000;
  log.push({ step: done, accuracy: overall, trainSeconds: Math.round(fitSeconds) });
  console.log(`step ${done}: class accuracy ${overall.toFixed(3)} after ${fitSeconds.toFixed(0)} s of training (${seconds.toFixed(0)} s wall); ${JSON.stringify(summary.metrics)}`);
}
const final = evaluate('final');
const wallSeconds = (performance.now() - started) / 1000;

// A 10x10 grid: row c holds class c.
mkdirSync(results, { recursive: true });
const firstTen = tf.concat(Array.from({ length: 10 }, (_, c) => tf.slice(final.images, [c * samplesPerClass], [10])));
const pngFile = join(results, `architectures-cgan-mnist-${kind}.png`);
writeImageGrid(pngFile, firstTen, { columns: 10, range: '[-1,1]' });
const report = {
  kind,
  steps,
  batchSize,
  width,
  seed,
  latentDim: gan.latentDim,
  trainSeconds: Math.round(fitSeconds),
  secondsPerStep: +(fitSeconds / steps).toFixed(3),
  wallSecondsWithEvaluations: Math.round(wallSeconds),
  classifier: judge.source,
  classifierTestAccuracy: judge.testAccuracy,
  samplesPerClass,
  classAccuracy: final.overall,
  perClassAccuracy: final.perClass,
  progress: log,
  command: `npx vite-node --config scripts/vite-node.config.ts scripts/cgan-mnist.ts -- ${kind} ${steps} ${batchSize} ${width} ${seed}`,
  backend: tf.getBackend(),
};
writeFileSync(join(results, `architectures-cgan-mnist-${kind}.json`), JSON.stringify(report, null, 2) + '\n');
// The trained generator, for later evaluation (not committed: /tmp).
await gan.generator.save(tf.io.withSaveHandler(async (artifacts) => {
  const dir = `/tmp/tfgen-cgan-mnist-${kind}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...artifacts, weightData: undefined }));
  writeFileSync(join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
}));
console.log(JSON.stringify(report));
