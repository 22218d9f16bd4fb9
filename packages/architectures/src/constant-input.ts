import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectInteger } from '@tfgen/core';
import { type BaseLayerArgs, type LayerShape, oneShape, oneTensor } from './layer-utils';

/** Options of {@link ConstantInput}. */
export interface ConstantInputArgs extends BaseLayerArgs {
  /** Side of the learned square feature map. */
  size: number;
  /** Its channels. */
  channels: number;
}

/**
 * StyleGAN's learned constant starting feature map `[size, size, channels]`, repeated for each
 * example of its input (any tensor whose first axis is the batch, e.g. the styles).
 */
export class ConstantInput extends tfl.layers.Layer {
  static className = 'TfgenConstantInput';
  readonly size: number;
  readonly channels: number;
  private constant!: tfl.LayerVariable;

  constructor(args: ConstantInputArgs) {
    super(args);
    this.size = expectInteger(args.size, 'ConstantInput size', 1);
    this.channels = expectInteger(args.channels, 'ConstantInput channels', 1);
  }

  override build(): void {
    const init = tfl.initializers.randomNormal({ mean: 0, stddev: 1 });
    this.constant = this.addWeight('constant', [1, this.size, this.size, this.channels], 'float32', init);
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return [oneShape(inputShape)[0], this.size, this.size, this.channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const batch = oneTensor(inputs, this.name).shape[0];
      return tf.tile(this.constant.read(), [batch, 1, 1, 1]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, channels: this.channels };
  }
}
tf.serialization.registerClass(ConstantInput);
