import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectInteger, ShapeError } from '@tfgen/core';

/** Constructor arguments of {@link MinibatchStddev}. */
export interface MinibatchStddevArgs {
  /** Examples per group (default 4, as in Karras et al. 2018); the batch must divide by min(groupSize, batch). */
  groupSize?: number;
  name?: string;
  inputShape?: tfl.Shape;
  batchInputShape?: tfl.Shape;
}

/**
 * Minibatch standard deviation (Karras et al. 2018, ProGAN section 3): splits the
 * batch into groups, takes each feature's standard deviation over the group,
 * averages it over features (and pixels) and appends it as one extra channel
 * (`[b, h, w, c] -> [b, h, w, c + 1]`, `[b, f] -> [b, f + 1]`). A discriminator
 * that sees low variety in a batch can tell fakes apart. Example `i` belongs to
 * group `i mod (batch / groupSize)`, as in the reference code.
 */
export class MinibatchStddev extends tfl.layers.Layer {
  /** Registered class name used by tfjs-layers serialization. */
  static className = 'MinibatchStddev';
  readonly groupSize: number;

  constructor(args: MinibatchStddevArgs = {}) {
    super(args as never);
    this.groupSize = expectInteger(args.groupSize ?? 4, 'groupSize', 1);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = ((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape).slice();
    if (shape.length !== 2 && shape.length !== 4) throw new ShapeError('inputShape', '[batch, features] or [batch, h, w, c]', shape);
    shape[shape.length - 1] = (shape[shape.length - 1] as number) + 1;
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x.rank !== 2 && x.rank !== 4) throw new ShapeError('inputs', 'rank 2 or 4', x.shape);
      const batch = x.shape[0];
      const group = Math.min(this.groupSize, batch);
      if (batch % group !== 0) {
        throw new ShapeError('inputs', `a batch size divisible by the group size ${group}`, batch);
      }
      const groups = batch / group;
      const rest = x.shape.slice(1);
      const y = tf.reshape(x, [group, groups, ...rest]);
      const centered = tf.sub(y, tf.mean(y, 0, true));
      const std = tf.sqrt(tf.add(tf.mean(tf.square(centered), 0), 1e-8)); // [groups, ...rest]
      const axes = Array.from({ length: rest.length }, (_, i) => i + 1);
      const perGroup = tf.mean(std, axes); // [groups]
      const perExample = tf.tile(perGroup, [group]); // example i -> group i mod groups
      const featureShape = [batch, ...rest.slice(0, -1), 1];
      const channel = tf.mul(tf.reshape(perExample, [batch, ...new Array(rest.length).fill(1)]), tf.ones(featureShape));
      return tf.concat([x, channel], x.rank - 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groupSize: this.groupSize };
  }
}
tf.serialization.registerClass(MinibatchStddev);

/** Creates a {@link MinibatchStddev} layer. */
export function minibatchStddev(args: MinibatchStddevArgs = {}): MinibatchStddev {
  return new MinibatchStddev(args);
}
