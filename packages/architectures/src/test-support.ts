// Helpers shared by this package's tests (not part of the public API).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Saves a model to memory and loads it back, as `model.save` / `tf.loadLayersModel` would with files. */
export async function saveAndLoad(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  // Through JSON, as a file would be.
  const topology = JSON.parse(JSON.stringify(saved!.modelTopology));
  return tfl.loadLayersModel(tf.io.fromMemory({ ...saved!, modelTopology: topology }));
}

/** Largest absolute difference of two tensors (as a number). */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** Disposes a tensor or an array of tensors. */
export function disposeAll(t: tf.Tensor | tf.Tensor[]): void {
  tf.dispose(t);
}
