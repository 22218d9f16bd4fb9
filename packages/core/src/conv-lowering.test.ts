import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import {
  conv2dBackpropFilterViaConv,
  conv2dBackpropInputViaConv,
  depthwiseConv2dBackpropFilterViaConv,
  depthwiseConv2dBackpropInputViaConv,
} from './conv-lowering';
import { Rng } from './random';

function maxRelativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]! / tf.max(tf.abs(expected)).dataSync()[0]!);
}

describe('conv gradients lowered to forward convs (cpu)', () => {
  const cases: [number, number, number, number, number | [number, number], 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]]][] = [
    [5, 5, 3, 3, 1, 'same'],
    [7, 6, 4, 4, 2, 'same'],
    [8, 8, 4, 4, 2, 'valid'],
    [9, 7, 3, 2, 3, 'valid'],
    [6, 6, 1, 1, 2, 'same'],
    [7, 7, 5, 3, 2, [[0, 0], [1, 2], [0, 1], [0, 0]]],
    [13, 11, 3, 5, [2, 3], 'same'],
    [7, 7, 2, 2, 3, 'valid'],
  ];
  it.each(cases)('x %ix%i filter %ix%i stride %j pad %j match the native cpu kernels', (height, width, fh, fw, strides, pad) => {
    const rng = new Rng(`${height}-${width}-${fh}-${fw}`);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor4d(rng.normalArray(2 * height * width * 3), [2, height, width, 3]);
      const filter = tf.tensor4d(rng.normalArray(fh * fw * 3 * 4), [fh, fw, 3, 4]);
      const outShape = tf.conv2d(x, filter, strides, pad).shape;
      const dy = tf.tensor4d(rng.normalArray(outShape.reduce((a, b) => a * b, 1)), outShape);
      const native = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), dy)))([x, filter]);
      expect(maxRelativeError(conv2dBackpropInputViaConv(dy, filter, x.shape, strides, pad), native[0]!)).toBeLessThan(1e-5);
      expect(maxRelativeError(conv2dBackpropFilterViaConv(x, dy, filter.shape, strides, pad), native[1]!)).toBeLessThan(1e-5);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(cases)('depthwise: x %ix%i filter %ix%i stride %j pad %j match the native cpu kernels', (height, width, fh, fw, strides, pad) => {
    const rng = new Rng(`depthwise-${height}-${width}-${fh}-${fw}`);
    const before = tf.memory().numTensors;
    // tfjs' depthwise conv needs equal strides for 'same'/explicit; use the first stride for both.
    const stride = typeof strides === 'number' ? strides : strides[0];
    tf.tidy(() => {
      const x = tf.tensor4d(rng.normalArray(2 * height * width * 3), [2, height, width, 3]);
      const filter = tf.tensor4d(rng.normalArray(fh * fw * 3 * 2), [fh, fw, 3, 2]);
      const outShape = tf.depthwiseConv2d(x, filter, stride, pad).shape;
      const dy = tf.tensor4d(rng.normalArray(outShape.reduce((a, b) => a * b, 1)), outShape);
      const native = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), dy)))([x, filter]);
      expect(maxRelativeError(depthwiseConv2dBackpropInputViaConv(dy, filter, x.shape, stride, pad), native[0]!)).toBeLessThan(1e-5);
      expect(maxRelativeError(depthwiseConv2dBackpropFilterViaConv(x, dy, filter.shape, stride, pad), native[1]!)).toBeLessThan(1e-5);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects mismatched shapes and layouts with named errors', () => {
    const x = tf.zeros([1, 6, 6, 2]) as tf.Tensor4D;
    const dy = tf.zeros([1, 3, 3, 4]) as tf.Tensor4D;
    const filter = tf.zeros([3, 3, 2, 4]) as tf.Tensor4D;
    expect(() => conv2dBackpropFilterViaConv(x, dy, [3, 3, 2, 4], 1, 'same')).toThrow(/dy: expected shape \[1, 6, 6, 4\], got \[1, 3, 3, 4\]/);
    expect(() => conv2dBackpropFilterViaConv(x, dy, [3, 3, 5, 4], 2, 'same')).toThrow(/filterShape\[2\]/);
    expect(() => conv2dBackpropInputViaConv(dy, filter, [1, 6, 6, 2], 2, 'same', undefined, 'NCHW')).toThrow(/dataFormat/);
    expect(() => conv2dBackpropInputViaConv(dy, filter, [1, 6, 6, 2], 0, 'same')).toThrow(/strides/);
    tf.dispose([x, dy, filter]);
  });
});
