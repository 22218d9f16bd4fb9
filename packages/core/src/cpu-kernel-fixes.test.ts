import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { CPU_KERNEL_FIXES, registerCpuKernelFixes, resizeNearestNeighborBackprop } from './cpu-kernel-fixes';
import { conv2dBackpropFilterViaConv } from './conv-lowering';
import { Rng } from './random';

registerCpuKernelFixes(); // after the test setup imported the stock cpu kernels

/** Reference: route each dy pixel to the source pixel the forward resize read (found by resizing an index image). */
function referenceBackprop(imagesShape: number[], size: [number, number], dy: Float32Array, alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  const [batch, height, width, channels] = imagesShape as [number, number, number, number];
  const indices = tf.tidy(() => {
    const ids = tf.reshape(tf.range(0, batch * height * width * channels), imagesShape as [number, number, number, number]);
    return tf.image.resizeNearestNeighbor(ids as tf.Tensor4D, size, alignCorners, halfPixelCenters).dataSync();
  });
  const out = new Float32Array(batch * height * width * channels);
  indices.forEach((source, i) => {
    out[source] = out[source]! + dy[i]!;
  });
  return out;
}

describe('cpu kernel fixes', () => {
  it.each([
    [[2, 3, 4, 2], [6, 8], false, false],
    [[3, 5, 5, 1], [10, 7], false, false],
    [[2, 4, 3, 3], [7, 5], true, false],
    [[2, 4, 4, 2], [9, 6], false, true],
  ] as [number[], [number, number], boolean, boolean][])('ResizeNearestNeighborGrad for images %j -> %j (alignCorners %s, halfPixelCenters %s) routes every dy pixel to its source', (shape, size, alignCorners, halfPixelCenters) => {
    const rng = new Rng(JSON.stringify([shape, size]));
    const dyValues = rng.normalArray(shape[0]! * size[0] * size[1] * shape[3]!);
    const expected = referenceBackprop(shape, size, dyValues, alignCorners, halfPixelCenters);
    const before = tf.memory().numTensors;
    const actual = tf.tidy(() => {
      const x = tf.zeros(shape as [number, number, number, number]);
      const dy = tf.tensor4d(dyValues, [shape[0]!, size[0], size[1], shape[3]!]);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(t as tf.Tensor4D, size, alignCorners, halfPixelCenters), dy)))(x).dataSync();
    });
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 5);
  });

  it.each([
    [[2, 4, 5, 3], [7, 9], false, false],
    [[1, 5, 3, 2], [4, 8], true, false],
    [[2, 3, 6, 1], [8, 5], false, true],
  ] as [number[], [number, number], boolean, boolean][])('ResizeBilinearGrad for images %j -> %j (alignCorners %s, halfPixelCenters %s) is the adjoint of the forward resize', (shape, size, alignCorners, halfPixelCenters) => {
    const rng = new Rng(JSON.stringify(['bilinear', shape, size]));
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor4d(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape as [number, number, number, number]);
      const dy = tf.tensor4d(rng.normalArray(shape[0]! * size[0] * size[1] * shape[3]!), [shape[0]!, size[0], size[1], shape[3]!]);
      const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeBilinear(t as tf.Tensor4D, size, alignCorners, halfPixelCenters), dy)))(x);
      expect(dx.shape).toEqual(shape); // the stock kernel swaps height and width here
      // <resize(x), dy> = <x, resize^T(dy)> with the forward kernel as the independent reference.
      const left = tf.sum(tf.mul(tf.image.resizeBilinear(x, size, alignCorners, halfPixelCenters), dy)).dataSync()[0]!;
      const right = tf.sum(tf.mul(x, dx)).dataSync()[0]!;
      expect(Math.abs(left - right)).toBeLessThan(1e-4 * (Math.abs(left) + 1));
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('replaces the slow cpu Conv2DBackpropFilter with the lowering (checked against a naive loop in conv-lowering.test.ts)', () => {
    expect(CPU_KERNEL_FIXES).toContain('Conv2DBackpropFilter');
    const rng = new Rng('bpf-cpu');
    tf.tidy(() => {
      const x = tf.tensor4d(rng.normalArray(2 * 9 * 9 * 3), [2, 9, 9, 3]);
      const dy = tf.tensor4d(rng.normalArray(2 * 5 * 5 * 4), [2, 5, 5, 4]);
      const viaKernel = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }) as tf.Tensor;
      const direct = conv2dBackpropFilterViaConv(x, dy, [3, 3, 3, 4], 2, 'same');
      expect(Array.from(viaKernel.dataSync())).toEqual(Array.from(direct.dataSync()));
    });
  });

  it('fixes the stock kernel, which reads dy at the wrong batch stride', () => {
    const dy = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
    const dx = resizeNearestNeighborBackprop([2, 1, 1, 1], dy, false, false);
    expect(Array.from(dx.dataSync())).toEqual([10, 26]);
    tf.dispose([dx, dy]);
  });
});
