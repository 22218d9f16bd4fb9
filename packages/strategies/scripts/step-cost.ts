/**
 * Per-generator-step cost of the mixtures experiment's networks on the cpu and wasm backends
 * (process CPU seconds, after a warm-up). Run from packages/strategies:
 *   TSX_TSCONFIG_PATH=scripts/tsconfig.json node --import tsx --import ./scripts/esm-dir-imports.mjs \
 *     scripts/step-cost.ts [backends=cpu,wasm] [steps=20] [setup name prefixes]
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfgen/core';
import { mlpGan } from '@tfgen/architectures';
import { ringOfGaussians } from '@tfgen/datasets';
import { createGan, vanillaGan } from '@tfgen/strategies';

const backends = (process.argv[2] ?? 'cpu,wasm').split(',');
const steps = Number(process.argv[3] ?? 20);

const only = process.argv[4]?.split(',');
const setups: Record<string, () => ReturnType<typeof mlpGan>> = {
  'mlp 2x64 relu': () => mlpGan({ hiddenUnits: 64, hiddenLayers: 2, seed: 1 }),
  'pacgan preset, packing 1': () => mlpGan({ preset: 'pacgan', packing: 1, seed: 1 }),
  'unrolled preset': () => mlpGan({ preset: 'unrolled', seed: 1 }),
};

async function main(): Promise<void> {
  for (const backend of backends) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const [name, build] of Object.entries(setups)) {
      if (only && !only.some((o) => name.startsWith(o))) continue;
      const net = build();
      const batchSize = name.startsWith('unrolled') ? 512 : 100;
      const gan = createGan({ generator: net.generator, discriminator: net.discriminator, latentDim: net.latentDim, variant: vanillaGan(), packing: net.packing });
      const data = ringOfGaussians().batches({ batchSize, seed: 1 });
      const rng = new Rng(1);
      const timeSteps = (count: number, offset: number) => {
        const started = process.cpuUsage();
        for (let step = 0; step < count; step++) {
          const batch = data.next();
          gan.trainStep(batch, { step: offset + step, rng });
          tf.dispose(batch.x);
        }
        const used = process.cpuUsage(started);
        return (used.user + used.system) / 1e6 / count;
      };
      timeSteps(3, 0);
      const perStep = timeSteps(steps, 3);
      console.log(JSON.stringify({ backend, setup: name, batchSize, cpuMsPerStep: +(1000 * perStep).toFixed(2) }));
      gan.dispose();
      net.generator.dispose();
      net.discriminator.dispose();
    }
  }
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
