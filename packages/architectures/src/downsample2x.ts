import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError } from '@tfgen/core';
import { type BaseLayerArgs, type LayerShape, oneShape, oneTensor } from './layer-utils';

/**
 * 2x2 average pooling with stride 2 written as reshape + mean. Unlike `avgPool`, its gradient is
 * itself differentiable in tfjs (no `AvgPoolGrad` kernel involved), so discriminators that use it
 * work under gradient penalties (WGAN-GP, R1). Input `[N, H, W, C]` with even H and W.
 */
export class Downsample2x extends tfl.layers.Layer {
  static className = 'TfgenDownsample2x';

  constructor(args: BaseLayerArgs = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const [n, h, w, c] = oneShape(inputShape);
    return [n, h === null ? null : h / 2, w === null ? null : w / 2, c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs, this.name);
      const [n, h, w, c] = x.shape;
      if (x.rank !== 4 || h % 2 !== 0 || w % 2 !== 0) {
        throw new ShapeError(`${this.name} input`, '[N, H, W, C] with even H and W', x.shape);
      }
      // Row 2i+a, column 2j+b -> [n * H/2, a, W/2, b, c]; average over a and b.
      const blocks = tf.reshape(x, [n * (h / 2), 2, w / 2, 2, c]);
      return tf.reshape(tf.mean(blocks, [1, 3]), [n, h / 2, w / 2, c]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}
tf.serialization.registerClass(Downsample2x);

