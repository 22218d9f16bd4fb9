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

/** Inputs of {@link plainGanStep}. */
export interface PlainStepInputs {
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  real: tf.Tensor;
  latentDim: number;
  /** Class ids `[N, 1]` for conditional models. */
  labels?: tf.Tensor;
  /** D takes `[x, labels]`. */
  discriminatorTakesLabels?: boolean;
  /** D outputs `[logit, classLogits]` (AC-GAN). */
  auxiliaryLoss?: (classLogits: tf.Tensor, labels: tf.Tensor) => tf.Scalar;
  optimizers: { generator: tf.Optimizer; discriminator: tf.Optimizer };
  seed: number;
}

/**
 * One non-saturating GAN step written with plain tfjs (`tf.variableGrads` + optimizers): a stand-in for
 * the strategies package's GAN step in these architecture tests. Returns the two losses.
 */
export function plainGanStep(s: PlainStepInputs): { discriminatorLoss: number; generatorLoss: number } {
  const n = s.real.shape[0];
  const genInputs = (z: tf.Tensor) => (s.labels ? [z, s.labels] : z);
  const judge = (x: tf.Tensor): [tf.Tensor, tf.Tensor | undefined] => {
    const out = s.discriminator.apply(s.discriminatorTakesLabels ? [x, s.labels!] : x, { training: true }) as tf.Tensor | tf.Tensor[];
    return Array.isArray(out) ? [out[0], out[1]] : [out, undefined];
  };
  const softplus = (x: tf.Tensor) => tf.mean(tf.softplus(x));
  const dVars = s.discriminator.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const gVars = s.generator.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  return tf.tidy(() => {
    const z = tf.randomNormal([n, s.latentDim], 0, 1, 'float32', s.seed);
    const dStep = tf.variableGrads(() => {
      const fake = s.generator.apply(genInputs(z), { training: true }) as tf.Tensor;
      const [realLogit, realClass] = judge(s.real);
      const [fakeLogit, fakeClass] = judge(fake);
      let loss = tf.add(softplus(tf.neg(realLogit)), softplus(fakeLogit));
      if (s.auxiliaryLoss && realClass && fakeClass) {
        loss = tf.add(loss, tf.add(s.auxiliaryLoss(realClass, s.labels!), s.auxiliaryLoss(fakeClass, s.labels!)));
      }
      return loss as tf.Scalar;
    }, dVars);
    s.optimizers.discriminator.applyGradients(dStep.grads);
    const gStep = tf.variableGrads(() => {
      const fake = s.generator.apply(genInputs(z), { training: true }) as tf.Tensor;
      const [fakeLogit, fakeClass] = judge(fake);
      let loss = softplus(tf.neg(fakeLogit));
      if (s.auxiliaryLoss && fakeClass) loss = tf.add(loss, s.auxiliaryLoss(fakeClass, s.labels!));
      return loss as tf.Scalar;
    }, gVars);
    s.optimizers.generator.applyGradients(gStep.grads);
    return { discriminatorLoss: dStep.value.dataSync()[0], generatorLoss: gStep.value.dataSync()[0] };
  });
}
