import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError, DataError, Rng, expectNoTensorLeakSync } from '@tfgen/core';
import { ImageDataset, pixelsFromBytes } from './image-dataset';

/** 10 images of 2x2x1 whose pixels all equal their index, labelled index % 3. */
function tiny(count = 10): ImageDataset {
  const pixels = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) pixels.fill(i, 4 * i, 4 * i + 4);
  return new ImageDataset({ name: 'tiny', pixels, shape: [2, 2, 1], labels: Int32Array.from({ length: count }, (_, i) => i % 3), valueRange: [0, 10] });
}

/** The image indices of a batch of `tiny` (each image's pixels equal its index). */
function indicesOf(batch: { x: tf.Tensor; y?: tf.Tensor }): number[] {
  const values = batch.x.dataSync();
  const out: number[] = [];
  for (let i = 0; i < values.length; i += 4) out.push(values[i]);
  tf.dispose([batch.x, batch.y as tf.Tensor]);
  return out;
}

describe('ImageDataset', () => {
  it('validates its parts with named errors', () => {
    expect(() => new ImageDataset({ pixels: new Float32Array(7), shape: [2, 2, 1] })).toThrow(DataError);
    expect(() => new ImageDataset({ pixels: new Float32Array(7), shape: [2, 2, 1] })).toThrow(/pixels: expected a multiple of 4 values/);
    expect(() => new ImageDataset({ pixels: new Float32Array(8), shape: [2, 2, 1], labels: new Int32Array(3) })).toThrow(/labels: expected 2 labels/);
    expect(() => new ImageDataset({ pixels: new Float32Array(8), shape: [2, 2, 1], labels: Int32Array.from([0, -1]) })).toThrow(/labels\[1\]: expected a class id >= 0/);
    expect(() => new ImageDataset({ pixels: new Float32Array(8), shape: [2, 0, 1] })).toThrow(/shape\[1\]/);
    expect(() => new ImageDataset({ pixels: new Float32Array(8).fill(2), shape: [2, 2, 1], binarization: 'dynamic' })).toThrow(/probability in \[0, 1\]/);
    expect(() => new ImageDataset({ pixels: new Float32Array(4), shape: [2, 2, 1], labels: Int32Array.from([5]), numClasses: 3 })).toThrow(/class ids below numClasses = 3/);
  });

  it('toTensor, labelsTensor, take and image give the right slices', () => {
    const data = tiny();
    expect(data.count).toBe(10);
    expect(data.numClasses).toBe(3);
    const x = data.toTensor(3, 2);
    expect(x.shape).toEqual([2, 2, 2, 1]);
    expect(Array.from(x.dataSync())).toEqual([3, 3, 3, 3, 4, 4, 4, 4]);
    const y = data.labelsTensor(3, 2);
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([0, 1]);
    tf.dispose([x, y]);
    const first = data.take(4);
    expect(first.count).toBe(4);
    expect(Array.from(first.image(3))).toEqual([3, 3, 3, 3]);
    expect(() => data.take(11)).toThrow(ArgumentError);
    expect(() => data.toTensor(9, 2)).toThrow(/count: expected an integer in \[1, 1\]/);
  });

  it('each epoch visits every image once, in a fresh seeded order; dropRemainder drops the tail', () => {
    const data = tiny();
    const it = data.batches({ batchSize: 3, seed: 7 });
    expect(it.batchesPerEpoch).toBe(3);
    const epochs: number[][] = [];
    for (let e = 0; e < 3; e++) {
      const seen: number[] = [];
      for (let b = 0; b < 3; b++) seen.push(...indicesOf(it.next()));
      epochs.push(seen);
      expect(new Set(seen).size).toBe(9);
      expect(it.epoch).toBe(e + 1);
    }
    // Different epochs use different orders; the 9 images seen are the first 9 of each permutation.
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[0]).toEqual(Array.from(it.epochOrder(0)).slice(0, 9));
    // The same seed gives the same stream; another seed another one.
    const again = data.batches({ batchSize: 3, seed: 7 });
    expect(indicesOf(again.next())).toEqual(epochs[0].slice(0, 3));
    const other = data.batches({ batchSize: 3, seed: 8 });
    const otherFirst = [...indicesOf(other.next()), ...indicesOf(other.next()), ...indicesOf(other.next())];
    expect(otherFirst).not.toEqual(epochs[0]);
  });

  it('without dropRemainder the last batch is smaller; without shuffle the order is 0..n-1', () => {
    const it = tiny().batches({ batchSize: 4, shuffle: false, dropRemainder: false });
    expect(it.batchesPerEpoch).toBe(3);
    expect(indicesOf(it.next())).toEqual([0, 1, 2, 3]);
    expect(indicesOf(it.next())).toEqual([4, 5, 6, 7]);
    expect(indicesOf(it.next())).toEqual([8, 9]);
    expect(indicesOf(it.next())).toEqual([0, 1, 2, 3]);
  });

  it('labels follow their images', () => {
    const it = tiny().batches({ batchSize: 5, seed: 1, withLabels: true });
    const batch = it.next();
    expect(batch.y?.dtype).toBe('int32');
    expect(batch.y?.shape).toEqual([5]);
    const labels = Array.from(batch.y?.dataSync() ?? []);
    const images = indicesOf(batch);
    expect(labels).toEqual(images.map((i) => i % 3));
    expect(() => new ImageDataset({ pixels: new Float32Array(4), shape: [2, 2, 1] }).batches({ batchSize: 1, withLabels: true })).toThrow(
      /withLabels: expected false \(images has no labels\)/,
    );
  });

  it('state restore resumes the exact stream, across epochs and dynamic binarization', () => {
    const pixels = new Rng(5).uniformArray(10 * 4);
    const data = new ImageDataset({ pixels, shape: [2, 2, 1], binarization: 'dynamic', valueRange: [-1, 1] });
    const reference = data.batches({ batchSize: 3, seed: 'resume' });
    for (let i = 0; i < 4; i++) tf.dispose(reference.next().x);
    const state = JSON.parse(JSON.stringify(reference.getState()));
    const expected = Array.from({ length: 5 }, () => {
      const { x } = reference.next();
      const values = Array.from(x.dataSync());
      x.dispose();
      return values;
    });
    const resumed = data.batches({ batchSize: 3, seed: 'resume' });
    resumed.setState(state);
    expect(resumed.epoch).toBe(1);
    expect(resumed.position).toBe(1);
    for (const values of expected) {
      const { x } = resumed.next();
      expect(Array.from(x.dataSync())).toEqual(values);
      x.dispose();
    }
    expect(expected.flat().every((v) => v === -1 || v === 1)).toBe(true);
    // A state from other options is refused with a named error.
    const otherBatch = data.batches({ batchSize: 2, seed: 'resume' });
    expect(() => otherBatch.setState(state)).toThrow(/state\.batchSize: expected 2/);
    expect(() => resumed.setState({ kind: 'something else' })).toThrow(/state: expected a state object of kind "image-batches"/);
  });

  it('next() creates only the returned tensors', () => {
    const it = tiny().batches({ batchSize: 4, seed: 2, withLabels: true });
    for (let i = 0; i < 5; i++) {
      const batch = expectNoTensorLeakSync('next', () => it.next());
      tf.dispose([batch.x, batch.y as tf.Tensor]);
    }
    expect(() => tiny().batches({ batchSize: 11 })).toThrow(/batchSize: expected at most 10/);
    expect(() => tiny().batches({ batchSize: 0 })).toThrow(/batchSize: expected an integer >= 1/);
  });

  it('pixelsFromBytes scales 0..255 to the chosen range', () => {
    expect(Array.from(pixelsFromBytes([0, 51, 255], '[0,1]'))).toEqual([0, 0.2, 1].map((v) => Math.fround(v)));
    expect(Array.from(pixelsFromBytes([0, 255], '[-1,1]'))).toEqual([-1, 1]);
    expect(Array.from(pixelsFromBytes([0, 255], '[0,1]', 'dynamic'))).toEqual([0, 1]);
  });
});
