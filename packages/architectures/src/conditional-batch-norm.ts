import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectInteger, expectNumber } from '@tfgen/core';
import { type BaseLayerArgs, type LayerShape, labelVector, twoShapes, twoTensors } from './layer-utils';

/** Options of {@link ConditionalBatchNorm}. */
export interface ConditionalBatchNormArgs extends BaseLayerArgs {
  /** Number of classes; each has its own scale and shift. */
  numClasses: number;
  /** Moving-average momentum of the inference statistics (default 0.99). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  epsilon?: number;
}

/**
 * Class-conditional batch normalization (de Vries et al. 2017; used by the projection-discriminator
 * GAN of Miyato & Koyama 2018): normalizes over the batch like batch norm, then scales and shifts
 * with a gamma/beta row picked by each example's class. Inputs `[x, labels]`, `x` of shape
 * `[N, ..., C]`, labels int class ids `[N]` or `[N, 1]`.
 *
 * @example
 * const h = new ConditionalBatchNorm({ numClasses: 10 }).apply([features, labels]);
 */
export class ConditionalBatchNorm extends tfl.layers.Layer {
  static className = 'TfgenConditionalBatchNorm';
  readonly numClasses: number;
  readonly momentum: number;
  readonly epsilon: number;
  private gamma!: tfl.LayerVariable;
  private beta!: tfl.LayerVariable;
  private movingMean!: tfl.LayerVariable;
  private movingVariance!: tfl.LayerVariable;

  constructor(args: ConditionalBatchNormArgs) {
    super(args);
    this.numClasses = expectInteger(args.numClasses, 'ConditionalBatchNorm numClasses', 1);
    this.momentum = expectNumber(args.momentum ?? 0.99, 'ConditionalBatchNorm momentum', 0, 1);
    this.epsilon = expectNumber(args.epsilon ?? 1e-5, 'ConditionalBatchNorm epsilon', 0, Infinity, true);
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const [xShape] = twoShapes(inputShape, this.name);
    const channels = xShape[xShape.length - 1] as number;
    this.gamma = this.addWeight('gamma', [this.numClasses, channels], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [this.numClasses, channels], 'float32', tfl.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tfl.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tfl.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return twoShapes(inputShape, this.name)[0];
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, any>): tf.Tensor {
    return tf.tidy(() => {
      const [x, labels] = twoTensors(inputs, this.name, 'x, labels');
      const classes = labelVector(labels, this.name);
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (kwargs?.training) {
        const moments = tf.moments(x, axes);
        mean = moments.mean;
        variance = moments.variance;
        const m = this.momentum;
        this.movingMean.write(tf.add(tf.mul(this.movingMean.read(), m), tf.mul(mean, 1 - m)));
        this.movingVariance.write(tf.add(tf.mul(this.movingVariance.read(), m), tf.mul(variance, 1 - m)));
      } else {
        mean = this.movingMean.read();
        variance = this.movingVariance.read();
      }
      const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.epsilon)));
      const broadcastShape = [x.shape[0], ...axes.slice(1).map(() => 1), x.shape[x.rank - 1]];
      const scale = tf.reshape(tf.gather(this.gamma.read(), classes), broadcastShape);
      const shift = tf.reshape(tf.gather(this.beta.read(), classes), broadcastShape);
      return tf.add(tf.mul(normalized, scale), shift);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numClasses: this.numClasses, momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(ConditionalBatchNorm);
