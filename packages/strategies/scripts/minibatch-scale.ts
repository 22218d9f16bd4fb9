/**
 * Diagnostic for the mixtures experiment: how large are minibatch discrimination's closeness
 * features o_i = sum_{j != i} exp(-|M_i - M_j|_1) next to the features they are appended to, at
 * initialization and for a collapsed batch? (Batch 100 of the ring of 8; the mixtures script's D:
 * 2 -> 64 ReLU -> 64 ReLU -> MinibatchDiscrimination(8 x 3) -> 1.) Run from packages/strategies:
 *   TSX_TSCONFIG_PATH=scripts/tsconfig.json node --import tsx --import ./scripts/esm-dir-imports.mjs scripts/minibatch-scale.ts
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, withSeededRandom } from '@tfgen/core';
import { ringOfGaussians } from '@tfgen/datasets';
import { MinibatchDiscrimination } from '@tfgen/strategies';

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  for (const seed of [1, 2, 3, 4, 5]) {
    const [features, minibatch, logit] = withSeededRandom(new Rng(seed).fork('D'), () => {
      const trunk = tfl.sequential({
        layers: [tfl.layers.dense({ inputShape: [2], units: 64, activation: 'relu' }), tfl.layers.dense({ units: 64, activation: 'relu' })],
      });
      const mbd = new MinibatchDiscrimination({ numKernels: 8, kernelDim: 3 });
      const last = tfl.layers.dense({ units: 1 });
      return [trunk, mbd, last] as const;
    });
    const ring = ringOfGaussians();
    const real = tf.tensor2d(ring.sample(100, new Rng(seed)), [100, 2]);
    const collapsed = tf.tidy(() => tf.add(tf.zeros([100, 2]), tf.tensor2d([[1, 0]])));
    for (const [name, x] of [['real batch', real], ['collapsed batch (all at one mode)', collapsed]] as const) {
      tf.tidy(() => {
        const f = features.apply(x) as tf.Tensor2D;
        const out = minibatch.apply(f) as tf.Tensor2D;
        const o = tf.slice(out, [0, 64], [100, 8]);
        const logits = logit.apply(out) as tf.Tensor;
        const kernel = logit.getWeights()[0];
        const fromFeatures = tf.matMul(f, tf.slice(kernel, [0, 0], [64, 1]));
        const fromCloseness = tf.matMul(o, tf.slice(kernel, [64, 0], [8, 1]));
        const stat = (t: tf.Tensor) => `${tf.mean(tf.abs(t)).dataSync()[0].toFixed(3)}`;
        console.log(
          `seed ${seed} ${name}: mean |f| ${stat(f)}, mean o ${stat(o)} (max possible 99), logit std ${tf.sqrt(tf.moments(logits).variance).dataSync()[0].toFixed(4)}, mean |f.w_f| ${stat(fromFeatures)}, mean |o.w_o| ${stat(fromCloseness)}`,
        );
      });
    }
    tf.dispose([real, collapsed]);
  }
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
