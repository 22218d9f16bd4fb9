import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError, expectNumber } from '@tfgen/core';
import { type BaseLayerArgs, type LayerShape, oneShape, oneTensor } from './layer-utils';

/** Options of {@link StyleAverage}. */
export interface StyleAverageArgs extends BaseLayerArgs {
  /** Decay of the moving average per training call (StyleGAN: 0.995). */
  decay?: number;
}

/**
 * Tracks the mean style `w_avg` for the truncation trick: an identity layer that, when called
 * with `training: true`, updates a non-trainable weight `average <- decay * average + (1 - decay) *
 * mean_batch(w)`. `truncate(w, psi)` then gives `w_avg + psi * (w - w_avg)`.
 */
export class StyleAverage extends tfl.layers.Layer {
  static className = 'TfgenStyleAverage';
  readonly decay: number;
  private average!: tfl.LayerVariable;

  constructor(args: StyleAverageArgs = {}) {
    super(args);
    this.decay = expectNumber(args.decay ?? 0.995, 'StyleAverage decay', 0, 1);
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = oneShape(inputShape);
    if (shape.length !== 2) throw new ShapeError(`${this.name} input`, 'rank 2 [N, styleDim]', shape);
    this.average = this.addWeight('average', [shape[1] as number], 'float32', tfl.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return oneShape(inputShape);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, any>): tf.Tensor {
    return tf.tidy(() => {
      const w = oneTensor(inputs, this.name);
      if (kwargs?.training) {
        const batchMean = tf.mean(w, 0);
        this.average.write(tf.add(tf.mul(this.average.read(), this.decay), tf.mul(batchMean, 1 - this.decay)));
      }
      return tf.clone(w);
    });
  }

  /** The tracked mean style `[S]` (a new tensor; dispose it). */
  mean(): tf.Tensor1D {
    return tf.clone(this.average.read()) as tf.Tensor1D;
  }

  /** `w_avg + psi * (w - w_avg)`: psi 1 leaves `w`, psi 0 gives the mean style. */
  truncate(w: tf.Tensor, psi: number): tf.Tensor {
    expectNumber(psi, 'truncation', -Infinity, Infinity);
    return tf.tidy(() => {
      const avg = this.average.read();
      return tf.add(avg, tf.mul(tf.sub(w, avg), psi));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), decay: this.decay };
  }
}
tf.serialization.registerClass(StyleAverage);
