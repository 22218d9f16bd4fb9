import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError, expectInteger } from '@tfgen/core';
import { type BaseLayerArgs, type LayerShape, oneShape, oneTensor } from './layer-utils';

/** Options of {@link PackSamples}. */
export interface PackSamplesArgs extends BaseLayerArgs {
  /** Samples per pack (PacGAN's m). */
  packing: number;
}

/**
 * PacGAN packing (Lin et al. 2018) as the discriminator's first layer: `[N, D]` becomes
 * `[N / m, m * D]`, so the discriminator judges m samples of one source jointly and the GAN step
 * needs no change (the batch size must be a multiple of m).
 */
export class PackSamples extends tfl.layers.Layer {
  static className = 'TfgenPackSamples';
  readonly packing: number;

  constructor(args: PackSamplesArgs) {
    super(args);
    this.packing = expectInteger(args.packing, 'PackSamples packing', 1);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const [n, d] = oneShape(inputShape);
    return [n === null ? null : n / this.packing, d === null ? null : d * this.packing];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs, this.name);
      if (x.rank !== 2 || x.shape[0] % this.packing !== 0) {
        throw new ShapeError(`${this.name} input`, `[N, D] with N a multiple of the packing ${this.packing}`, x.shape);
      }
      return tf.reshape(x, [x.shape[0] / this.packing, (x.shape[1] as number) * this.packing]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), packing: this.packing };
  }
}
tf.serialization.registerClass(PackSamples);
