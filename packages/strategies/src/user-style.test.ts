// A user's own tfjs critic, written by hand (not a tfgen architecture), gets spectral
// normalization and a gradient penalty from the public API and trains a few steps.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, withSeededRandom } from '@tfgen/core';
import { wasserstein } from '@tfgen/losses';
import { gradientPenalty, spectralNorm, SpectralNormalization, spectralNormalize } from '@tfgen/strategies';
import { describe, expect, it } from 'vitest';

describe('a hand-written tfjs critic with spectralNorm and a gradient penalty', () => {
  it('trains, keeps sigma(W) at 1, leaks nothing, and saves/loads', async () => {
    const critic = withSeededRandom(new Rng(1), () =>
      tfl.sequential({
        layers: [
          spectralNorm(tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same' })),
          tfl.layers.leakyReLU({ alpha: 0.2 }),
          tfl.layers.flatten(),
          spectralNorm(tfl.layers.dense({ units: 16 })),
          tfl.layers.leakyReLU({ alpha: 0.2 }),
          spectralNorm(tfl.layers.dense({ units: 1 })),
        ],
      }),
    );
    const optimizer = tf.train.adam(1e-3, 0.5, 0.9);
    const rng = new Rng(2);
    // "Real" images are bright squares, "fake" ones dark noise.
    const real = tf.tidy(() => tf.add(tf.pad(tf.ones([16, 4, 4, 1]), [[0, 0], [2, 2], [2, 2], [0, 0]]), tf.randomNormal([16, 8, 8, 1], 0, 0.05, 'float32', 3)));
    const fake = tf.randomNormal([16, 8, 8, 1], 0, 0.3, 'float32', 4);
    const apply = (x: tf.Tensor) => critic.apply(x, { training: true }) as tf.Tensor;
    let wassersteinEstimate = 0;
    const step = () =>
      tf.tidy(() => {
        const cost = optimizer.minimize(() => {
          const loss = wasserstein.discriminator(apply(real), apply(fake));
          wassersteinEstimate = -loss.dataSync()[0];
          return tf.add(loss, tf.mul(10, gradientPenalty({ critic: apply, real, fake, rng }))) as tf.Scalar;
        }, true);
        return (cost as tf.Scalar).dataSync()[0];
      });
    const first = step();
    const firstEstimate = wassersteinEstimate;
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 25; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first - 0.5);
    // The critic's Wasserstein estimate E[C(real)] - E[C(fake)] grows (slowly: it is ~1-Lipschitz).
    expect(wassersteinEstimate).toBeGreaterThan(firstEstimate + 0.05);
    // Every wrapped kernel is still spectrally normalized (power iteration at the stored u).
    for (const layer of critic.layers.filter((l): l is SpectralNormalization => l instanceof SpectralNormalization)) {
      const { sigma, normalized, u } = spectralNormalize(layer.trainableWeights[0].read(), layer.u!.read(), 20);
      const again = spectralNormalize(normalized, u, 20);
      expect(again.sigma.dataSync()[0]).toBeCloseTo(1, 2);
      tf.dispose([sigma, normalized, u, again.sigma, again.normalized, again.u]);
    }
    // Save and load like any tfjs model.
    let artifacts: tf.io.ModelArtifacts | undefined;
    await critic.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const a = critic.predict(real) as tf.Tensor;
    const b = loaded.predict(real) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([real, fake, a, b]);
  });
});
