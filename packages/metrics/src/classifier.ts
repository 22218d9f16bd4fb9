import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, DataError, ShapeError } from '@tfgen/core';
import { decodeFloat16Base64, encodeFloat16Base64 } from './weights-codec';

/**
 * The feature-extractor architecture shipped for MNIST and Fashion-MNIST (Inception is far too big
 * for 28x28 grey images and for a CPU): conv 3x3x16 (ReLU) -> max-pool 2 -> conv 3x3x64 ->
 * batch norm -> ReLU -> max-pool 2 -> dropout -> dense 64 (ReLU, the features) -> dropout
 * -> dense 10 (softmax). Input: `[n, 28, 28, 1]` in [-1, 1]. Batch norm only on the 14x14 layer:
 * on the 28x28 one it doubled the step time on wasm for little gain. Dropout acts in training only,
 * so its rates are training settings: any rates load the same shipped weights.
 */
export const CLASSIFIER_FEATURE_LAYER = 'features';
/** Size of the penultimate feature vector the Fréchet/kernel distances use. */
export const CLASSIFIER_FEATURE_SIZE = 64;

/** Training-only settings of {@link buildClassifierModel}. */
export interface ClassifierDropout {
  /** Dropout rate on the flattened conv features, in [0, 1) (default 0.25). */
  readonly convDropout?: number;
  /** Dropout rate on the 64 features before the softmax layer, in [0, 1) (default 0, as the shipped weights were trained). */
  readonly featureDropout?: number;
}

/** Builds the (untrained) classifier; call inside `withSeededRandom` for reproducible init. */
export function buildClassifierModel(numClasses = 10, dropout: ClassifierDropout = {}): tfl.Sequential {
  const convDropout = dropout.convDropout ?? 0.25;
  const featureDropout = dropout.featureDropout ?? 0;
  for (const [name, rate] of [['dropout.convDropout', convDropout], ['dropout.featureDropout', featureDropout]] as const) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ArgumentError(name, 'a rate in [0, 1)', rate);
  }
  return tfl.sequential({
    name: 'tfgen_classifier',
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      // no bias: the batch norm's offset replaces it
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', useBias: false, name: 'conv2' }),
      tfl.layers.batchNormalization({ name: 'norm2' }),
      tfl.layers.activation({ activation: 'relu', name: 'relu2' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dropout({ rate: convDropout, name: 'dropout1' }),
      tfl.layers.dense({ units: CLASSIFIER_FEATURE_SIZE, activation: 'relu', name: CLASSIFIER_FEATURE_LAYER }),
      tfl.layers.dropout({ rate: featureDropout, name: 'dropout2' }),
      tfl.layers.dense({ units: numClasses, activation: 'softmax', name: 'probabilities' }),
    ],
  });
}

/** Weights in the form the generated modules ship them: float16, base64, in `model.getWeights()` order. */
export interface SerializedClassifier {
  /** e.g. `mnist`. */
  readonly name: string;
  readonly numClasses: number;
  /** Test-set accuracy of these (float16-rounded) weights, measured by the training script. */
  readonly testAccuracy: number;
  /** How the weights were made (the command), for reproducibility. */
  readonly trainedBy: string;
  /** One entry per weight tensor, in `getWeights()` order. */
  readonly shapes: readonly (readonly number[])[];
  /** All weights concatenated, float16 little-endian, base64. */
  readonly data: string;
}

/** A loaded classifier: the tfjs-layers model and the two views the metrics use. */
export interface Classifier {
  /** The full tfjs-layers model (input `[n, 28, 28, 1]` in [-1, 1], output probabilities). */
  readonly model: tfl.LayersModel;
  /** Penultimate-layer features `[n, 64]` (the "Inception pool3" of this package). */
  features(images: tf.Tensor): tf.Tensor2D;
  /** Class probabilities `[n, numClasses]`. */
  predict(images: tf.Tensor): tf.Tensor2D;
  readonly numClasses: number;
  readonly testAccuracy: number;
  /** Frees the model's weights. */
  dispose(): void;
}

/** Packs a trained model into the shipped form (used by the training script). */
export function serializeClassifier(
  model: tfl.LayersModel,
  info: { name: string; numClasses: number; testAccuracy: number; trainedBy: string },
): SerializedClassifier {
  const weights = model.getWeights();
  const shapes = weights.map((w) => [...w.shape]);
  const total = shapes.reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0);
  const flat = new Float32Array(total);
  let offset = 0;
  for (const w of weights) {
    const values = w.dataSync() as Float32Array;
    flat.set(values, offset);
    offset += values.length;
  }
  return { ...info, shapes, data: encodeFloat16Base64(flat) };
}

/**
 * Rebuilds a classifier from its shipped form. No file system or network is touched, so it works
 * the same in Node and in browsers. Throws a {@link DataError} if the weights do not fit the architecture.
 */
export function classifierFromSerialized(serialized: SerializedClassifier): Classifier {
  const model = buildClassifierModel(serialized.numClasses);
  const expectedShapes = model.getWeights().map((w) => [...w.shape]);
  if (JSON.stringify(expectedShapes) !== JSON.stringify(serialized.shapes.map((s) => [...s]))) {
    model.dispose();
    throw new DataError(`${serialized.name} classifier weights`, `shapes ${JSON.stringify(expectedShapes)}`, serialized.shapes);
  }
  const total = expectedShapes.reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0);
  let flat: Float32Array;
  try {
    flat = decodeFloat16Base64(serialized.data, total, `${serialized.name} classifier weights`);
  } catch (error) {
    model.dispose();
    throw error;
  }
  const tensors: tf.Tensor[] = [];
  let offset = 0;
  for (const shape of expectedShapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.push(tf.tensor(flat.subarray(offset, offset + size), shape));
    offset += size;
  }
  model.setWeights(tensors);
  tf.dispose(tensors);
  return wrapClassifier(model, serialized.numClasses, serialized.testAccuracy);
}

/** Wraps a tfjs-layers classifier built by {@link buildClassifierModel} (trained or not). */
export function wrapClassifier(model: tfl.LayersModel, numClasses: number, testAccuracy = NaN): Classifier {
  const featureModel = tfl.model({ inputs: model.inputs, outputs: model.getLayer(CLASSIFIER_FEATURE_LAYER).output as tfl.SymbolicTensor });
  const prepare = (images: tf.Tensor, argument: string): tf.Tensor4D => {
    if (!(images instanceof tf.Tensor)) throw new ArgumentError(argument, 'a tensor of images', images);
    if (images.rank === 4) {
      if (images.shape[1] !== 28 || images.shape[2] !== 28 || images.shape[3] !== 1) {
        throw new ShapeError(argument, 'shape [n, 28, 28, 1] (or [n, 784]) with values in [-1, 1]', images.shape);
      }
      return images as tf.Tensor4D;
    }
    if (images.rank === 2 && images.shape[1] === 784) return tf.reshape(images, [images.shape[0], 28, 28, 1]);
    throw new ShapeError(argument, 'shape [n, 28, 28, 1] (or [n, 784]) with values in [-1, 1]', images.shape);
  };
  const inBatches = (net: tfl.LayersModel, images: tf.Tensor, argument: string): tf.Tensor2D =>
    tf.tidy(() => {
      const x = prepare(images, argument);
      if (x.shape[0] === 0) throw new ArgumentError(argument, 'at least one image', 'no images');
      const batch = 256;
      const parts: tf.Tensor[] = [];
      for (let start = 0; start < x.shape[0]; start += batch) {
        const size = Math.min(batch, x.shape[0] - start);
        parts.push(net.predict(tf.slice(x, [start, 0, 0, 0], [size, 28, 28, 1])) as tf.Tensor);
      }
      return (parts.length === 1 ? parts[0] : tf.concat(parts, 0)) as tf.Tensor2D;
    });
  return {
    model,
    numClasses,
    testAccuracy,
    features: (images) => inBatches(featureModel, images, 'images'),
    predict: (images) => inBatches(model, images, 'images'),
    dispose: () => model.dispose(),
  };
}
