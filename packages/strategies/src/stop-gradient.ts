import * as tf from '@tensorflow/tfjs-core';

const stop = tf.customGrad(((x: tf.Tensor) => ({
  value: x.clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * The identity whose gradient is zero: the value is used, nothing flows back.
 * tfjs-core has no `stopGradient`; spectral norm's power-iteration vectors and
 * the unrolled GAN's first-order variant need one.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}
