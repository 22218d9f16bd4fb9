/**
 * WGAN-GP on the ring of 8, logged as it trains: where the generator's samples are (radius,
 * centroid, share within 10 std of a mode), the critic's Wasserstein estimate and penalty, and
 * whether the critic's gradient at the fakes points towards the data. Two implementations on the
 * same networks, seeds and data: `--impl gan` (createGan + wganGp from @tfgen/strategies) and
 * `--impl hand` (an independent loop written from Gulrajani et al.'s gan_toy: fresh real data per
 * critic step, its own penalty), so a difference between them is a bug in the library's step.
 *
 *   node --import tsx --import ./scripts/esm-dir-imports.mjs scripts/wgan-probe.ts --impl gan --steps 2000
 *
 * Flags: --impl gan|hand, --steps, --every (log period), --seed, --hidden (width), --depth (hidden
 * layers of each net), --latent, --batch, --lr, --beta1, --beta2, --lambda (penalty weight),
 * --gp-target (1: WGAN-GP; 0: zero-centred),
 * --critic-steps, --radius, --std (ring), --fresh true|false (gan: a fresh real batch per critic
 * step, as the hand loop always does), --out rows.jsonl (one JSON line per log).
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { appendFileSync } from 'node:fs';
import { Rng, withSeededRandom } from '@tfgen/core';
import { ringOfGaussians } from '@tfgen/datasets';
import { createGan, wganGp } from '@tfgen/strategies';

const flags = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) flags.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const flag = (name: string, fallback: string) => flags.get(name) ?? fallback;
const num = (name: string, fallback: number) => {
  const value = Number(flag(name, String(fallback)));
  if (!Number.isFinite(value)) throw new Error(`--${name}: expected a number, got "${flags.get(name)}"`);
  return value;
};

const impl = flag('impl', 'gan');
if (impl !== 'gan' && impl !== 'hand') throw new Error(`--impl: expected gan or hand, got "${impl}"`);
const steps = num('steps', 2000);
const every = num('every', 200);
const seed = num('seed', 1);
const hidden = num('hidden', 128);
const depth = num('depth', 3);
const latentDim = num('latent', 2);
const batchSize = num('batch', 256);
const lr = num('lr', 1e-4);
const beta1 = num('beta1', 0.5);
const beta2 = num('beta2', 0.9);
const lambda = num('lambda', 10);
const gpTarget = num('gp-target', 1);
const criticSteps = num('critic-steps', 5);
const fresh = flag('fresh', 'true') !== 'false';
const mixture = ringOfGaussians({ radius: num('radius', 1), std: num('std', 0.01) });
const out = flags.get('out');

function mlp(inputDim: number, outputDim: number, rng: Rng): tfl.LayersModel {
  return withSeededRandom(rng, () => {
    const layers: tfl.layers.Layer[] = [];
    for (let i = 0; i < depth; i++) layers.push(tfl.layers.dense({ ...(i === 0 ? { inputShape: [inputDim] } : {}), units: hidden, activation: 'relu' }));
    layers.push(tfl.layers.dense({ units: outputDim }));
    return tfl.sequential({ layers });
  });
}

const radius = mixture.centers.length ? Math.hypot(...mixture.centers[0]) : 1;

/** Where the fakes are, and what the critic tells them. */
function probe(G: tfl.LayersModel, D: tfl.LayersModel, step: number, logged: Record<string, number>): void {
  const rng = new Rng(seed).fork(`probe ${step}`);
  const z = tf.tensor2d(rng.normalArray(2000 * latentDim), [2000, latentDim]);
  const fake = tf.tidy(() => G.apply(z, { training: false }) as tf.Tensor2D);
  const gradient = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(D.apply(x, { training: false }) as tf.Tensor))(fake));
  const points = fake.dataSync();
  const g = gradient.dataSync();
  tf.dispose([z, fake, gradient]);
  let sumR = 0, sumR2 = 0, cx = 0, cy = 0, within = 0, cosSum = 0, normSum = 0;
  const modes = new Set<number>();
  const n = points.length / 2;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i], y = points[2 * i + 1];
    const r = Math.hypot(x, y);
    sumR += r;
    sumR2 += r * r;
    cx += x;
    cy += y;
    let best = Infinity, bestK = 0;
    mixture.centers.forEach(([mx, my], k) => {
      const d = Math.hypot(x - mx, y - my);
      if (d < best) [best, bestK] = [d, k];
    });
    if (best < 10 * mixture.std) {
      within++;
      modes.add(bestK);
    }
    // Cosine between the critic's ascent direction and the way to the nearest mode.
    const [mx, my] = mixture.centers[bestK];
    const gn = Math.hypot(g[2 * i], g[2 * i + 1]);
    normSum += gn;
    if (best > 0 && gn > 0) cosSum += (g[2 * i] * (mx - x) + g[2 * i + 1] * (my - y)) / (gn * best);
  }
  const meanR = sumR / n;
  const row = {
    impl,
    step,
    ...logged,
    radiusMean: meanR,
    radiusStd: Math.sqrt(Math.max(0, sumR2 / n - meanR * meanR)),
    centroid: [cx / n, cy / n],
    within10Std: within / n,
    modesWithin10Std: modes.size,
    gradNormAtFakes: normSum / n,
    cosTowardsNearestMode: cosSum / n,
  };
  console.log(JSON.stringify(row, (_, v) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v)));
  if (out) appendFileSync(out, JSON.stringify({ ...row, settings: { ...(impl === 'gan' ? { freshRealBatches: fresh } : {}), seed, hidden, depth, latentDim, batchSize, lr, beta1, beta2, lambda, gpTarget, criticSteps, radius, std: mixture.std } }) + '\n');
}

async function main(): Promise<void> {
  await tf.setBackend(process.env.TFGEN_BACKEND ?? 'wasm');
  const G = mlp(latentDim, 2, new Rng(seed).fork('G'));
  const D = mlp(2, 1, new Rng(seed).fork('D'));
  const dataRng = new Rng(seed).fork('data');
  const rng = new Rng(seed).fork('train');
  const realBatch = () => tf.tensor2d(mixture.sample(batchSize, dataRng), [batchSize, 2]);
  let sums: Record<string, number> = {};
  let count = 0;
  const add = (metrics: Record<string, number>) => {
    for (const [k, v] of Object.entries(metrics)) sums[k] = (sums[k] ?? 0) + v;
    count++;
  };
  const flush = () => {
    const mean = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(1, count)]));
    sums = {};
    count = 0;
    return mean;
  };
  const start = tf.memory().numTensors;
  probe(G, D, 0, {});
  if (impl === 'gan') {
    const gan = createGan({
      generator: G,
      discriminator: D,
      latentDim,
      variant: wganGp({ penaltyWeight: lambda, criticSteps, penaltyTarget: gpTarget }),
      freshRealBatches: fresh,
      optimizers: { generator: { kind: 'adam', learningRate: lr, beta1, beta2 }, discriminator: { kind: 'adam', learningRate: lr, beta1, beta2 } },
    });
    for (let step = 0; step < steps; step++) {
      const x = realBatch();
      const drawn: tf.Tensor[] = [x];
      // As under the core Trainer: critic steps after the first draw fresh real batches.
      const nextBatch = () => {
        const extra = realBatch();
        drawn.push(extra);
        return { x: extra };
      };
      const metrics = gan.trainStep({ x }, { step, rng, nextBatch });
      tf.dispose(drawn);
      add({ wasserstein: -metrics['loss/discriminator'], penalty: metrics['penalty/gradient'], generatorLoss: metrics['loss/generator'] });
      if ((step + 1) % every === 0) probe(G, D, step + 1, flush());
    }
    gan.dispose();
  } else {
    const optimizerG: tf.Optimizer = tf.train.adam(lr, beta1, beta2);
    const optimizerD: tf.Optimizer = tf.train.adam(lr, beta1, beta2);
    const varsG = G.trainableWeights.map((w) => w.read() as tf.Variable);
    const varsD = D.trainableWeights.map((w) => w.read() as tf.Variable);
    const critic = (x: tf.Tensor) => tf.reshape(D.apply(x, { training: true }) as tf.Tensor, [-1]);
    for (let step = 0; step < steps; step++) {
      let wasserstein = 0, penalty = 0;
      for (let c = 0; c < criticSteps; c++) {
        const real = realBatch();
        const z = tf.tensor2d(rng.normalArray(batchSize * latentDim), [batchSize, latentDim]);
        const fake = tf.tidy(() => G.apply(z, { training: true }) as tf.Tensor);
        const alpha = tf.tensor2d(rng.uniformArray(batchSize), [batchSize, 1]);
        let w = 0, p = 0;
        const { value, grads } = tf.variableGrads(() => {
          const distance = tf.sub(tf.mean(critic(real)), tf.mean(critic(fake)));
          const xHat = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
          const g = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(xHat);
          const norms = tf.sqrt(tf.add(tf.sum(tf.square(g), 1), 1e-12));
          const gp = tf.mean(tf.square(tf.sub(norms, gpTarget)));
          w = distance.dataSync()[0];
          p = gp.dataSync()[0];
          return tf.add(tf.neg(distance), tf.mul(lambda, gp)) as tf.Scalar;
        }, varsD);
        optimizerD.applyGradients(grads);
        tf.dispose([value, real, z, fake, alpha, ...Object.values(grads)]);
        wasserstein = w;
        penalty = p;
      }
      const z = tf.tensor2d(rng.normalArray(batchSize * latentDim), [batchSize, latentDim]);
      let gl = 0;
      const { value, grads } = tf.variableGrads(() => {
        const loss = tf.neg(tf.mean(critic(G.apply(z, { training: true }) as tf.Tensor))) as tf.Scalar;
        gl = loss.dataSync()[0];
        return loss;
      }, varsG);
      optimizerG.applyGradients(grads);
      tf.dispose([value, z, ...Object.values(grads)]);
      add({ wasserstein, penalty, generatorLoss: gl });
      if ((step + 1) % every === 0) probe(G, D, step + 1, flush());
    }
    optimizerG.dispose();
    optimizerD.dispose();
  }
  G.dispose();
  D.dispose();
  console.log(`tensors: ${start} before, ${tf.memory().numTensors} after`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
