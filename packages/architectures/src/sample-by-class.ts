import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, ShapeError, type Rng } from '@tfgen/core';

/**
 * Draws one sample per requested class from a conditional generator with inputs `[z, labels]`:
 * latents are standard normal from `rng` (so the same rng state gives the same images).
 * Returns the generator's output (e.g. images `[N, H, W, C]`); the caller disposes it.
 *
 * @example
 * const grid = sampleByClass(generator, [0, 0, 1, 1, 2, 2], new Rng(3));
 */
export function sampleByClass(generator: tfl.LayersModel, labels: readonly number[] | Int32Array | tf.Tensor, rng: Rng): tf.Tensor {
  if (!(generator instanceof tfl.LayersModel) || generator.inputs.length !== 2) {
    throw new ArgumentError('generator', 'a conditional LayersModel with inputs [z, labels]', generator?.inputs?.length ?? generator);
  }
  const latentDim = generator.inputs[0].shape[1];
  if (typeof latentDim !== 'number') throw new ShapeError('generator.inputs[0]', 'shape [null, latentDim]', generator.inputs[0].shape);
  const ids = labels instanceof tf.Tensor ? Array.from(labels.dataSync()) : Array.from(labels);
  if (ids.length === 0) throw new ArgumentError('labels', 'at least one class id', ids);
  const numClasses = findNumClasses(generator);
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || (numClasses !== undefined && id >= numClasses)) {
      throw new ArgumentError(`labels[${i}]`, `an integer class id in [0, ${numClasses === undefined ? 'numClasses' : numClasses - 1}]`, id);
    }
  });
  return tf.tidy(() => {
    const z = tf.tensor2d(rng.normalArray(ids.length * latentDim), [ids.length, latentDim]);
    const classes = tf.tensor2d(ids, [ids.length, 1], 'int32');
    return generator.predict([z, classes]) as tf.Tensor;
  });
}

/** The class count of the first Embedding or conditional-batch-norm layer, if any. */
function findNumClasses(model: tfl.LayersModel): number | undefined {
  for (const layer of model.layers) {
    const config = layer.getConfig() as { inputDim?: number; numClasses?: number };
    if (layer.getClassName() === 'Embedding' && typeof config.inputDim === 'number') return config.inputDim;
    if (typeof config.numClasses === 'number') return config.numClasses;
  }
  return undefined;
}
