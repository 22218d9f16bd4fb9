// Helpers shared by this package's tests (not part of the public API).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, type StepMetrics } from '@tfgen/core';
import { type GanVariant, createGan, vanillaGan } from '@tfgen/strategies';

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

/** Inputs of {@link trainWithGanStep}. */
export interface GanStepInputs {
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  real: tf.Tensor;
  latentDim: number;
  /** Class ids `[N]` for conditional models. */
  labels?: tf.Tensor;
  numClasses?: number;
  /** The discriminator has the AC-GAN outputs `[logit, classLogits]`. */
  auxiliaryClassifier?: boolean;
  /** The GAN variant (default: the non-saturating `vanillaGan()`). */
  variant?: GanVariant;
}

/**
 * Runs the strategies package's GAN step (`createGan(...).trainStep`) twice on one batch (the first
 * creates the optimizer slots) and checks that the second leaves no tensor behind. Returns its metrics.
 */
export function trainWithGanStep(s: GanStepInputs): StepMetrics {
  const gan = createGan({
    generator: s.generator,
    discriminator: s.discriminator,
    latentDim: s.latentDim,
    variant: s.variant ?? vanillaGan(),
    ...(s.numClasses ? { conditional: { numClasses: s.numClasses } } : {}),
    ...(s.auxiliaryClassifier ? { auxiliaryClassifier: {} } : {}),
  });
  const batch = { x: s.real, ...(s.labels ? { y: s.labels } : {}) };
  const rng = new Rng(1);
  gan.trainStep(batch, { step: 0, rng });
  const before = tf.memory().numTensors;
  const metrics = gan.trainStep(batch, { step: 1, rng });
  const after = tf.memory().numTensors;
  gan.dispose();
  if (after !== before) throw new Error(`GAN step leaked ${after - before} tensors`);
  return metrics;
}
