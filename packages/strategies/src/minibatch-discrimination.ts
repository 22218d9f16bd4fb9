import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, expectInteger, ShapeError } from '@tfgen/core';

/** Constructor arguments of {@link MinibatchDiscrimination}. */
export interface MinibatchDiscriminationArgs {
  /** Number of kernels B (output features added), default 50 (Salimans et al. 2016 used 100 for CIFAR). */
  numKernels?: number;
  /** Dimension C of each kernel's rows, default 5. */
  kernelDim?: number;
  name?: string;
  inputShape?: tfl.Shape;
  batchInputShape?: tfl.Shape;
  trainable?: boolean;
}

/**
 * Minibatch discrimination (Salimans et al. 2016, section 3.2). For features
 * `f` of shape `[batch, A]`, `M = f T` is reshaped to `[batch, B, C]`, and each
 * example gets `o_i,b = sum_{j != i} exp(-||M_i,b - M_j,b||_1)`: how close it is
 * to the rest of the batch. Output `[batch, A + B]` (the features, then `o`), so
 * the discriminator can see a collapsed batch. Place it before the last Dense.
 */
export class MinibatchDiscrimination extends tfl.layers.Layer {
  /** Registered class name used by tfjs-layers serialization. */
  static className = 'MinibatchDiscrimination';
  readonly numKernels: number;
  readonly kernelDim: number;
  private tensorT: tfl.LayerVariable | null = null;

  constructor(args: MinibatchDiscriminationArgs = {}) {
    super(args as never);
    this.numKernels = expectInteger(args.numKernels ?? 50, 'numKernels', 1);
    this.kernelDim = expectInteger(args.kernelDim ?? 5, 'kernelDim', 1);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (shape.length !== 2 || shape[1] == null) throw new ShapeError('inputShape', '[batch, features] with known features', shape);
    this.tensorT = this.addWeight(
      'T',
      [shape[1], this.numKernels * this.kernelDim],
      'float32',
      tfl.initializers.randomNormal({ mean: 0, stddev: 0.05 }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0], (shape[1] as number) + this.numKernels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const f = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      if (f.rank !== 2) throw new ShapeError('inputs', 'rank 2 [batch, features]', f.shape);
      const batch = f.shape[0];
      const m = tf.reshape(tf.matMul(f, (this.tensorT as tfl.LayerVariable).read() as tf.Tensor2D), [batch, this.numKernels, this.kernelDim]);
      // |M_i - M_j|_1 for all pairs: [batch, batch, B]
      const diff = tf.sub(tf.expandDims(m, 1), tf.expandDims(m, 0));
      const closeness = tf.exp(tf.neg(tf.sum(tf.abs(diff), 3)));
      // Exclude j = i (its term is exp(0) = 1).
      const o = tf.sub(tf.sum(closeness, 1), 1);
      return tf.concat([f, o], 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numKernels: this.numKernels, kernelDim: this.kernelDim };
  }
}
tf.serialization.registerClass(MinibatchDiscrimination);

/** Creates a {@link MinibatchDiscrimination} layer. */
export function minibatchDiscrimination(args: MinibatchDiscriminationArgs = {}): MinibatchDiscrimination {
  if (args !== undefined && (typeof args !== 'object' || args === null)) throw new ArgumentError('args', 'an options object', args);
  return new MinibatchDiscrimination(args);
}
