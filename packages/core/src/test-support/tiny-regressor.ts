// Test support (not exported): a tiny tfjs-layers MLP regressor with Adam and a seeded,
// checkpointable in-memory data iterator, used by the Trainer and kill-and-resume tests.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { stateOfVariables } from '../model-state';
import { Rng, withSeededRandom } from '../random';
import type { Batch, BatchIterator, JsonValue, StepContext, StepMetrics, TrainableModel } from '../types';

export interface TinyRegressorOptions {
  seed: number;
  hidden?: number;
  learningRate?: number;
  optimizer?: 'adam' | 'rmsprop' | 'sgd' | 'momentum';
}

/** y = sin(3 x0) + x1^2 fitted by a 2-16-1 tanh MLP; input noise is drawn from `context.rng`. */
export class TinyRegressor implements TrainableModel {
  readonly kind = 'test/tiny-regressor';
  readonly net: tfl.Sequential;
  readonly optimizer: tf.Optimizer;
  private readonly options: Required<TinyRegressorOptions>;

  constructor(options: TinyRegressorOptions) {
    this.options = { hidden: 16, learningRate: 0.01, optimizer: 'adam', ...options };
    const { hidden, learningRate } = this.options;
    this.net = withSeededRandom(new Rng(options.seed).fork('init'), () =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({ units: hidden, activation: 'tanh', inputShape: [2] }),
          tfl.layers.dense({ units: 1 }),
        ],
      }),
    );
    this.optimizer = {
      adam: () => tf.train.adam(learningRate),
      rmsprop: () => tf.train.rmsprop(learningRate, 0.9, 0.5, 1e-7, true),
      sgd: () => tf.train.sgd(learningRate),
      momentum: () => tf.train.momentum(learningRate, 0.9),
    }[this.options.optimizer]();
  }

  trainStep(batch: Batch, context: StepContext): StepMetrics {
    const noiseSeed = context.rng.tfSeed();
    const loss = this.optimizer.minimize(
      () =>
        tf.tidy(() => {
          const noisy = tf.add(batch.x, tf.randomNormal(batch.x.shape, 0, 0.01, 'float32', noiseSeed));
          const prediction = this.net.apply(noisy, { training: true }) as tf.Tensor;
          return tf.losses.meanSquaredError(batch.y!, prediction) as tf.Scalar;
        }),
      true,
      this.net.trainableWeights.map((w) => w.read() as tf.Variable),
    )!;
    const value = loss.dataSync()[0];
    loss.dispose();
    return { loss: value };
  }

  stateVariables() {
    return stateOfVariables('net', this.net);
  }

  optimizers() {
    return { model: this.optimizer };
  }

  config() {
    return { ...this.options };
  }

  dispose(): void {
    this.net.dispose();
    this.optimizer.dispose();
  }
}

/** `size` points of y = sin(3 x0) + x1^2, reshuffled each epoch by a seed-derived order. */
export class TinyRegressionData implements BatchIterator {
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  private readonly xs: Float32Array;
  private readonly ys: Float32Array;
  private epoch = 0;
  private position = 0;
  private order: Int32Array;

  constructor(private readonly seed: number, readonly size = 64, batchSize = 8) {
    this.batchSize = batchSize;
    this.batchesPerEpoch = Math.floor(size / batchSize);
    const rng = new Rng(seed).fork('data');
    this.xs = rng.uniformArray(size * 2, -1, 1);
    this.ys = new Float32Array(size);
    for (let i = 0; i < size; i++) this.ys[i] = Math.sin(3 * this.xs[2 * i]) + this.xs[2 * i + 1] ** 2;
    this.order = this.orderOf(0);
  }

  private orderOf(epoch: number): Int32Array {
    return new Rng(`${this.seed}/shuffle/${epoch}`).permutation(this.size);
  }

  next(): Batch {
    if (this.position + this.batchSize > this.batchesPerEpoch * this.batchSize) {
      this.epoch++;
      this.position = 0;
      this.order = this.orderOf(this.epoch);
    }
    const x = new Float32Array(this.batchSize * 2);
    const y = new Float32Array(this.batchSize);
    for (let i = 0; i < this.batchSize; i++) {
      const j = this.order[this.position + i];
      x[2 * i] = this.xs[2 * j];
      x[2 * i + 1] = this.xs[2 * j + 1];
      y[i] = this.ys[j];
    }
    this.position += this.batchSize;
    return { x: tf.tensor2d(x, [this.batchSize, 2]), y: tf.tensor2d(y, [this.batchSize, 1]) };
  }

  getState(): JsonValue {
    return { epoch: this.epoch, position: this.position };
  }

  setState(state: JsonValue): void {
    const { epoch, position } = state as { epoch: number; position: number };
    this.epoch = epoch;
    this.position = position;
    this.order = this.orderOf(epoch);
  }
}
