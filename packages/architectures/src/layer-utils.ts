import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError } from '@tfgen/core';

/** Constructor arguments every tfjs-layers layer accepts (name, trainable, inputShape, ...). */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
/** A tfjs-layers shape: `null` stands for the batch size or an unknown size. */
export type LayerShape = (number | null)[];

/** The single tensor of a layer call, or a clear error. */
export function oneTensor(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new ShapeError(`${layer} inputs`, 'one tensor', `${inputs.length} tensors`);
    return inputs[0];
  }
  return inputs;
}

/** The two tensors of a two-input layer call, or a clear error. */
export function twoTensors(inputs: tf.Tensor | tf.Tensor[], layer: string, names: string): [tf.Tensor, tf.Tensor] {
  if (!Array.isArray(inputs) || inputs.length !== 2) {
    throw new ShapeError(`${layer} inputs`, `two tensors [${names}]`, Array.isArray(inputs) ? `${inputs.length} tensors` : 'one tensor');
  }
  return [inputs[0], inputs[1]];
}

/** The single shape of `computeOutputShape`'s argument. */
export function oneShape(shape: LayerShape | LayerShape[]): LayerShape {
  return Array.isArray(shape[0]) ? (shape as LayerShape[])[0] : (shape as LayerShape);
}

/** Both shapes of a two-input layer. */
export function twoShapes(shape: LayerShape | LayerShape[], layer: string): [LayerShape, LayerShape] {
  if (!Array.isArray(shape[0]) || shape.length !== 2) throw new ShapeError(`${layer} input shapes`, 'two shapes', shape);
  return [shape[0] as LayerShape, shape[1] as LayerShape];
}

/** Class labels of shape `[N]` or `[N, 1]` as an int32 vector `[N]`. */
export function labelVector(labels: tf.Tensor, layer: string): tf.Tensor1D {
  if (labels.rank > 2 || (labels.rank === 2 && labels.shape[1] !== 1)) {
    throw new ShapeError(`${layer} labels`, 'shape [N] or [N, 1]', labels.shape);
  }
  const flat = tf.reshape(labels, [labels.shape[0]]) as tf.Tensor1D;
  return flat.dtype === 'int32' ? flat : (tf.cast(flat, 'int32') as tf.Tensor1D);
}
