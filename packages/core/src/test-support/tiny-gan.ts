// Test support (not exported): a tiny dense GAN on 4x4 grayscale "images" with two Adam
// optimizers (roles generator and discriminator), latents drawn from context.rng.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { stateOfVariables } from '../model-state';
import { Rng, withSeededRandom } from '../random';
import type { Batch, BatchIterator, JsonValue, StepContext, StepMetrics, TrainableModel } from '../types';

const LATENT = 4;

export class TinyGan implements TrainableModel {
  readonly kind = 'test/tiny-gan';
  readonly generator: tfl.Sequential;
  readonly discriminator: tfl.Sequential;
  readonly generatorOptimizer = tf.train.adam(2e-3, 0.5);
  readonly discriminatorOptimizer = tf.train.adam(2e-3, 0.5);

  constructor(readonly seed: number) {
    const init = new Rng(seed).fork('init');
    [this.generator, this.discriminator] = withSeededRandom(init, () => [
      tfl.sequential({
        layers: [
          tfl.layers.dense({ units: 16, activation: 'relu', inputShape: [LATENT] }),
          tfl.layers.dense({ units: 16, activation: 'tanh' }),
          tfl.layers.reshape({ targetShape: [4, 4, 1] }),
        ],
      }),
      tfl.sequential({
        layers: [
          tfl.layers.flatten({ inputShape: [4, 4, 1] }),
          tfl.layers.dense({ units: 16 }),
          tfl.layers.leakyReLU({ alpha: 0.2 }),
          tfl.layers.dense({ units: 1 }),
        ],
      }),
    ]);
  }

  trainStep(batch: Batch, context: StepContext): StepMetrics {
    const count = batch.x.shape[0];
    const dSeed = context.rng.tfSeed();
    const gSeed = context.rng.tfSeed();
    const softplus = (t: tf.Tensor) => tf.mean(tf.softplus(t));
    const dLoss = this.discriminatorOptimizer.minimize(
      () =>
        tf.tidy(() => {
          const fake = this.generator.apply(tf.randomNormal([count, LATENT], 0, 1, 'float32', dSeed)) as tf.Tensor;
          const real = this.discriminator.apply(batch.x, { training: true }) as tf.Tensor;
          const fakeLogits = this.discriminator.apply(fake, { training: true }) as tf.Tensor;
          return tf.add(softplus(tf.neg(real)), softplus(fakeLogits)) as tf.Scalar;
        }),
      true,
      this.discriminator.trainableWeights.map((w) => w.read() as tf.Variable),
    )!;
    const gLoss = this.generatorOptimizer.minimize(
      () =>
        tf.tidy(() => {
          const fake = this.generator.apply(tf.randomNormal([count, LATENT], 0, 1, 'float32', gSeed), { training: true }) as tf.Tensor;
          return softplus(tf.neg(this.discriminator.apply(fake) as tf.Tensor)) as tf.Scalar;
        }),
      true,
      this.generator.trainableWeights.map((w) => w.read() as tf.Variable),
    )!;
    const metrics = { 'loss/discriminator': dLoss.dataSync()[0], 'loss/generator': gLoss.dataSync()[0] };
    tf.dispose([dLoss, gLoss]);
    return metrics;
  }

  sample(count: number, rng: Rng): tf.Tensor {
    return tf.tidy(() => this.generator.predict(tf.randomNormal([count, LATENT], 0, 1, 'float32', rng.tfSeed())) as tf.Tensor);
  }

  stateVariables() {
    return [...stateOfVariables('generator', this.generator), ...stateOfVariables('discriminator', this.discriminator)];
  }

  optimizers() {
    return { generator: this.generatorOptimizer, discriminator: this.discriminatorOptimizer };
  }

  config() {
    return { latent: LATENT };
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
  }
}

/** 4x4 images of a bright bar at a random row, in [-1, 1]; an endless seeded stream. */
export class BarImages implements BatchIterator {
  readonly batchesPerEpoch = 16;
  private readonly rng: Rng;
  constructor(seed: number, readonly batchSize = 16) {
    this.rng = new Rng(seed).fork('bars');
  }
  next(): Batch {
    const values = new Float32Array(this.batchSize * 16).fill(-1);
    for (let n = 0; n < this.batchSize; n++) {
      const row = this.rng.int(4);
      for (let x = 0; x < 4; x++) values[n * 16 + row * 4 + x] = 1;
    }
    return { x: tf.tensor4d(values, [this.batchSize, 4, 4, 1]) };
  }
  getState(): JsonValue {
    return [...this.rng.getState()];
  }
  setState(state: JsonValue): void {
    this.rng.setState(state as unknown as [number, number, number, number]);
  }
}
