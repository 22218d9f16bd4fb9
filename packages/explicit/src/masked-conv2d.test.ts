import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { ArgumentError, expectNoTensorLeakSync } from '@tfgen/core';
import { MaskedConv2D, causalMask } from './masked-conv2d';

describe('causalMask', () => {
  it('is 1 strictly before the centre in raster order, plus the centre for type B', () => {
    expect(Array.from(causalMask(3, 'A').dataSync())).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(Array.from(causalMask(3, 'B').dataSync())).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(() => causalMask(4, 'A')).toThrow(/kernelSize: expected an odd integer, got 4/);
    expect(() => causalMask(3, 'C' as never)).toThrow(ArgumentError);
  });
});

describe('MaskedConv2D', () => {
  it('is causal: output at pixel i has zero gradient w.r.t. inputs at j >= i (type A), j > i (type B)', () => {
    for (const maskType of ['A', 'B'] as const) {
      const layer = new MaskedConv2D({ filters: 3, kernelSize: 5, maskType });
      const x = tf.randomUniform([1, 6, 6, 2], -1, 1, 'float32', 4);
      layer.apply(x);
      const i = { r: 3, c: 2 };
      const g = tf.tidy(() =>
        tf.sum(tf.abs(tf.grad((input: tf.Tensor) => tf.sum(tf.slice(layer.apply(input) as tf.Tensor, [0, i.r, i.c, 0], [1, 1, 1, 3])))(x)), 3).dataSync(),
      );
      for (let r = 0; r < 6; r++) {
        for (let c = 0; c < 6; c++) {
          const j = r * 6 + c;
          const index = i.r * 6 + i.c;
          const inWindow = Math.abs(r - i.r) <= 2 && Math.abs(c - i.c) <= 2;
          const allowed = j < index || (maskType === 'B' && j === index);
          if (!allowed) expect(g[j]).toBe(0);
          else if (inWindow) expect(g[j]).not.toBe(0);
        }
      }
      x.dispose();
      layer.dispose();
    }
  });

  it('survives model.save / tf.loadLayersModel with identical outputs', async () => {
    const model = tfl.sequential({
      layers: [
        new MaskedConv2D({ filters: 4, kernelSize: 3, maskType: 'A', inputShape: [5, 5, 1] }),
        new MaskedConv2D({ filters: 2, kernelSize: 3, maskType: 'B', useBias: false }),
      ],
    });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.layers[0]).toBeInstanceOf(MaskedConv2D);
    expect((loaded.layers[1] as MaskedConv2D).maskType).toBe('B');
    expect((loaded.layers[1] as MaskedConv2D).useBias).toBe(false);
    const x = tf.randomUniform([2, 5, 5, 1], 0, 1, 'float32', 1);
    const a = model.predict(x) as tf.Tensor;
    const b = expectNoTensorLeakSync('predict', () => loaded.predict(x) as tf.Tensor);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(b.shape).toEqual([2, 5, 5, 2]);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});
