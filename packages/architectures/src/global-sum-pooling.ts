import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type BaseLayerArgs, type LayerShape, oneShape, oneTensor } from './layer-utils';

/** Sums a `[N, H, W, C]` feature map over its spatial axes to `[N, C]` (SNGAN's global sum pooling). */
export class GlobalSumPooling extends tfl.layers.Layer {
  static className = 'TfgenGlobalSumPooling';

  constructor(args: BaseLayerArgs = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = oneShape(inputShape);
    return [shape[0], shape[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.sum(oneTensor(inputs, this.name), [1, 2]));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}
tf.serialization.registerClass(GlobalSumPooling);
