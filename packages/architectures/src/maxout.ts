import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError, expectInteger, expectNumber } from '@tfgen/core';
import { type BaseLayerArgs, type LayerShape, oneShape, oneTensor } from './layer-utils';

/** Options of {@link Maxout}. */
export interface MaxoutArgs extends BaseLayerArgs {
  /** Output units. */
  units: number;
  /** Linear pieces per unit; the unit outputs their maximum (Goodfellow et al. 2013). */
  pieces: number;
  /** Initialize the kernel N(0, kernelStddev) (PacGAN: 0.02) instead of Glorot-uniform. */
  kernelStddev?: number | null;
}

/**
 * A dense maxout layer: `units * pieces` linear maps, each unit the maximum of its `pieces`.
 * The PacGAN 2D discriminator uses 5 pieces. Input `[N, D]`, output `[N, units]`.
 */
export class Maxout extends tfl.layers.Layer {
  static className = 'TfgenMaxout';
  readonly units: number;
  readonly pieces: number;
  readonly kernelStddev: number | null;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;

  constructor(args: MaxoutArgs) {
    super(args);
    this.units = expectInteger(args.units, 'Maxout units', 1);
    this.pieces = expectInteger(args.pieces, 'Maxout pieces', 1);
    this.kernelStddev = args.kernelStddev == null ? null : expectNumber(args.kernelStddev, 'Maxout kernelStddev', 0, Infinity, true);
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = oneShape(inputShape);
    if (shape.length !== 2) throw new ShapeError(`${this.name} input`, 'rank 2 [N, features]', shape);
    const width = this.units * this.pieces;
    const init = this.kernelStddev === null ? tfl.initializers.glorotUniform({}) : tfl.initializers.randomNormal({ mean: 0, stddev: this.kernelStddev });
    this.kernel = this.addWeight('kernel', [shape[1] as number, width], 'float32', init);
    this.bias = this.addWeight('bias', [width], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return [oneShape(inputShape)[0], this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs, this.name) as tf.Tensor2D;
      const linear = tf.add(tf.matMul(x, this.kernel.read() as tf.Tensor2D), this.bias.read());
      return tf.max(tf.reshape(linear, [x.shape[0], this.units, this.pieces]), 2);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, pieces: this.pieces, kernelStddev: this.kernelStddev };
  }
}
tf.serialization.registerClass(Maxout);
