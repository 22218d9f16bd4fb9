import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError } from '@tfgen/core';
import { type BaseLayerArgs, type LayerShape, oneShape, oneTensor } from './layer-utils';

/**
 * StyleGAN's per-layer noise input: adds one fresh standard-normal noise image per example,
 * scaled by a learned per-channel strength (initialized to 0, so noise enters only as training
 * finds it useful). The noise is drawn with `tf.randomNormal` without a seed, which draws its seed
 * from `Math.random`: wrap a call in core's `withSeededRandom(rng, ...)` to make it reproducible.
 */
export class NoiseInjection extends tfl.layers.Layer {
  static className = 'TfgenNoiseInjection';
  private strength!: tfl.LayerVariable;

  constructor(args: BaseLayerArgs = {}) {
    super(args);
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = oneShape(inputShape);
    if (shape.length !== 4) throw new ShapeError(`${this.name} input`, 'rank 4 [N, H, W, C]', shape);
    this.strength = this.addWeight('strength', [shape[3] as number], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs, this.name);
      const [n, h, w] = x.shape;
      const noise = tf.randomNormal([n, h, w, 1]);
      return tf.add(x, tf.mul(noise, this.strength.read()));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}
tf.serialization.registerClass(NoiseInjection);
