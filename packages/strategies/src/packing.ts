import * as tf from '@tensorflow/tfjs-core';
import { expectInteger, ShapeError } from '@tfgen/core';

/**
 * PacGAN packing (Lin et al. 2018): groups `packing` consecutive examples into one
 * discriminator input. Flat data `[b, d] -> [b/p, p*d]` (concatenated features);
 * images `[b, h, w, c] -> [b/p, h, w, p*c]` (stacked channels). Build the
 * discriminator for the packed shape. `packing = 1` returns the input unchanged (a clone).
 */
export function pack(x: tf.Tensor, packing: number): tf.Tensor {
  expectInteger(packing, 'packing', 1);
  if (!(x instanceof tf.Tensor)) throw new ShapeError('x', 'a tensor', x);
  if (x.rank !== 2 && x.rank !== 4) throw new ShapeError('x', 'rank 2 [batch, features] or rank 4 [batch, h, w, c]', x.shape);
  const batch = x.shape[0];
  if (batch % packing !== 0) throw new ShapeError('x', `a batch size divisible by packing ${packing}`, batch);
  if (packing === 1) return x.clone();
  return tf.tidy(() => {
    if (x.rank === 2) return tf.reshape(x, [batch / packing, packing * (x.shape[1] as number)]);
    const [, h, w, c] = x.shape;
    const grouped = tf.reshape(x, [batch / packing, packing, h, w, c]);
    return tf.reshape(tf.transpose(grouped, [0, 2, 3, 1, 4]), [batch / packing, h, w, packing * c]);
  });
}

/** The discriminator input shape for `packing` (e.g. `[2] -> [4]` for PacGAN2 on 2D points). */
export function packedShape(shape: readonly number[], packing: number): number[] {
  expectInteger(packing, 'packing', 1);
  const out = shape.slice();
  out[out.length - 1] *= packing;
  return out;
}
