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

/** Naive reference: dW[a,b,ci,co] = sum over n,i,j of x[n, i*s+a-top, j*s+b-left, ci] * dy[n,i,j,co]. */
function naiveFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], strides: [number, number], top: number, left: number): tf.Tensor4D {
  const [batch, height, width, inChannels] = x.shape;
  const [, outHeight, outWidth, outChannels] = dy.shape;
  const [fh, fw] = filterShape as [number, number];
  const xv = x.dataSync();
  const dyv = dy.dataSync();
  const out = new Float32Array(fh * fw * inChannels * outChannels);
  for (let a = 0; a < fh; a++)
    for (let b = 0; b < fw; b++)
      for (let ci = 0; ci < inChannels; ci++)
        for (let co = 0; co < outChannels; co++) {
          let sum = 0;
          for (let n = 0; n < batch; n++)
            for (let i = 0; i < outHeight; i++) {
              const row = i * strides[0] + a - top;
              if (row < 0 || row >= height) continue;
              for (let j = 0; j < outWidth; j++) {
                const col = j * strides[1] + b - left;
                if (col < 0 || col >= width) continue;
                sum += xv[((n * height + row) * width + col) * inChannels + ci]! * dyv[((n * outHeight + i) * outWidth + j) * outChannels + co]!;
              }
            }
          out[((a * fw + b) * inChannels + ci) * outChannels + co] = sum;
        }
  return tf.tensor4d(out, [fh, fw, inChannels, outChannels]);
}

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
      // cpu's Conv2DBackpropFilter is itself the lowering once @tfgen/core is imported: check
      // against a naive loop too.
      const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, strides, 1, pad as 'same', undefined, false, 'channelsLast');
      const naive = naiveFilterGradient(x, dy, filter.shape, [info.strideHeight, info.strideWidth], info.padInfo.top, info.padInfo.left);
      expect(maxRelativeError(conv2dBackpropFilterViaConv(x, dy, filter.shape, strides, pad), naive)).toBeLessThan(1e-5);
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
