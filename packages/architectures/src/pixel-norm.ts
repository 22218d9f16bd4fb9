import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type BaseLayerArgs, type LayerShape, oneShape, oneTensor } from './layer-utils';

/**
 * Pixelwise feature normalization (Karras et al. 2018): divides each feature vector by its root
 * mean square over the last axis, so latents enter StyleGAN's mapping network on the unit sphere
 * (times sqrt(dim)).
 */
export class PixelNorm extends tfl.layers.Layer {
  static className = 'TfgenPixelNorm';

  constructor(args: BaseLayerArgs = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs, this.name);
      return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-8)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}
tf.serialization.registerClass(PixelNorm);
