import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, MemoryCheckpointStore, Rng, Trainer, withSeededRandom, type Batch, type BatchIterator, type StepContext } from '@tfgen/core';
import { hinge, nonSaturating } from '@tfgen/losses';
import { describe, expect, it } from 'vitest';
import { createGan, type CreateGanOptions } from './gan';
import { resolveGanVariant } from './gan-variant';
import { spectralNorm } from './spectral-norm';
import { linearDecay } from './schedules';
import { vanillaGan } from './variants/vanilla';
import { wganGp } from './variants/wgan-gp';
import { snganHinge } from './variants/sngan-hinge';
import { wgan } from './variants/wgan';
import { dragan } from './variants/dragan';
import { r1Gan } from './variants/r1-gan';
import { lsgan } from './variants/lsgan';
import { MinibatchDiscrimination } from './minibatch-discrimination';

function mlp(inputDim: number, units: number[], output: number, activation: 'relu' | 'linear' = 'relu', seed = 0): tfl.Sequential {
  return withSeededRandom(new Rng(seed), () => {
    const model = tfl.sequential();
    units.forEach((u, i) => model.add(tfl.layers.dense({ units: u, activation, ...(i === 0 ? { inputShape: [inputDim] } : {}) })));
    model.add(tfl.layers.dense({ units: output, ...(units.length === 0 ? { inputShape: [inputDim] } : {}) }));
    return model;
  });
}

function points(batch: number, seed: number): tf.Tensor2D {
  const rng = new Rng(seed);
  const data = new Float32Array(batch * 2);
  for (let i = 0; i < batch; i++) {
    const angle = (2 * Math.PI * rng.int(8)) / 8;
    data[2 * i] = Math.cos(angle) + rng.normal(0, 0.02);
    data[2 * i + 1] = Math.sin(angle) + rng.normal(0, 0.02);
  }
  return tf.tensor2d(data, [batch, 2]);
}

function context(step: number, seed = 1): StepContext {
  return { step, rng: new Rng(seed + step) };
}

function snapshot(model: tfl.LayersModel): Float32Array[] {
  return model.weights.map((w) => w.read().dataSync().slice() as Float32Array);
}

function changed(a: Float32Array[], b: Float32Array[]): boolean {
  return a.some((w, i) => w.some((v, j) => v !== b[i][j]));
}

function twoStepsNoLeak(options: CreateGanOptions, batchSize = 8) {
  const gan = createGan(options);
  const x = points(batchSize, 3);
  const first = gan.trainStep({ x }, context(0)); // creates optimizer slots
  const before = tf.memory().numTensors;
  const metrics = gan.trainStep({ x }, context(1));
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
  return { gan, first, metrics };
}

describe('createGan', () => {
  it('vanilla: metrics, both networks move, no tensor leaks per step', () => {
    const G = mlp(2, [8], 2, 'relu', 1);
    const D = mlp(2, [8], 1, 'relu', 2);
    const g0 = snapshot(G);
    const d0 = snapshot(D);
    const { metrics } = twoStepsNoLeak({ generator: G, discriminator: D, latentDim: 2, variant: vanillaGan() });
    expect(Object.keys(metrics).sort()).toEqual(['loss/discriminator', 'loss/generator', 'lr/discriminator', 'lr/generator']);
    expect(changed(g0, snapshot(G))).toBe(true);
    expect(changed(d0, snapshot(D))).toBe(true);
  });

  it('the D loss is the variant loss on D(real), D(G(z)) with z from the step rng', () => {
    const G = mlp(2, [], 2, 'linear', 3);
    const D = mlp(2, [], 1, 'linear', 4);
    const gan = createGan({ generator: G, discriminator: D, latentDim: 2, variant: vanillaGan() });
    const x = points(4, 5);
    const expected = tf.tidy(() => {
      const z = tf.tensor2d(new Rng(7).normalArray(8), [4, 2]);
      return nonSaturating.discriminator(D.predict(x) as tf.Tensor, D.predict(G.predict(z) as tf.Tensor) as tf.Tensor).dataSync()[0];
    });
    const metrics = gan.trainStep({ x }, { step: 0, rng: new Rng(7) });
    expect(metrics['loss/discriminator']).toBeCloseTo(expected, 5);
    x.dispose();
  });

  it('WGAN-GP: critic steps, penalty metric; SNGAN-hinge with spectral norm', () => {
    const G = mlp(2, [8], 2, 'relu', 5);
    const D = mlp(2, [8], 1, 'relu', 6);
    const { gan, metrics } = twoStepsNoLeak({ generator: G, discriminator: D, latentDim: 2, variant: wganGp() });
    expect(metrics['penalty/gradient']).toBeGreaterThan(0);
    // Adam counts its steps: 5 critic steps and 1 generator step per train step.
    const iterations = (o: tf.Optimizer) => (o as unknown as { iterations: number }).iterations;
    expect(iterations(gan.optimizers().discriminator)).toBe(10);
    expect(iterations(gan.optimizers().generator)).toBe(2);

    const snD = withSeededRandom(new Rng(7), () =>
      tfl.sequential({ layers: [spectralNorm(tfl.layers.dense({ inputShape: [2], units: 8, activation: 'relu' })), spectralNorm(tfl.layers.dense({ units: 1 }))] }),
    );
    const sn = twoStepsNoLeak({ generator: mlp(2, [8], 2, 'relu', 8), discriminator: snD, latentDim: 2, variant: snganHinge() });
    expect(sn.gan.variant.lossName).toBe(hinge.name);
    // stateVariables include the spectral-norm vectors u.
    expect(sn.gan.stateVariables().filter((v) => v.name.startsWith('discriminator/') && v.name.endsWith('/u'))).toHaveLength(2);
  });

  it('other presets run: WGAN (clipping), DRAGAN, R1, LSGAN', () => {
    const clipped = twoStepsNoLeak({ generator: mlp(2, [8], 2, 'relu', 9), discriminator: mlp(2, [8], 1, 'relu', 10), latentDim: 2, variant: wgan() });
    for (const w of clipped.gan.discriminator.trainableWeights) expect(tf.max(tf.abs(w.read())).dataSync()[0]).toBeLessThanOrEqual(0.01 + 1e-7);
    expect(twoStepsNoLeak({ generator: mlp(2, [8], 2, 'relu', 11), discriminator: mlp(2, [8], 1, 'relu', 12), latentDim: 2, variant: dragan() }).metrics['penalty/dragan']).toBeGreaterThan(0);
    expect(twoStepsNoLeak({ generator: mlp(2, [8], 2, 'relu', 13), discriminator: mlp(2, [8], 1, 'relu', 14), latentDim: 2, variant: r1Gan() }).metrics['penalty/r1']).toBeGreaterThan(0);
    expect(Number.isFinite(twoStepsNoLeak({ generator: mlp(2, [8], 2, 'relu', 15), discriminator: mlp(2, [8], 1, 'relu', 16), latentDim: 2, variant: lsgan() }).metrics['loss/generator'])).toBe(true);
  });

  it('TTUR: separate optimizers, rates and schedules per network', () => {
    const gan = createGan({
      generator: mlp(2, [8], 2, 'relu', 17),
      discriminator: mlp(2, [8], 1, 'relu', 18),
      latentDim: 2,
      variant: vanillaGan(),
      optimizers: { generator: { kind: 'adam', learningRate: 1e-4, beta1: 0, beta2: 0.9 }, discriminator: { kind: 'adam', learningRate: 4e-4, beta1: 0, beta2: 0.9 } },
      learningRateSchedules: { generator: linearDecay({ initial: 1e-4, steps: 10 }) },
      discriminatorSteps: 2,
    });
    const x = points(8, 19);
    const m0 = gan.trainStep({ x }, context(0));
    const m5 = gan.trainStep({ x }, context(5));
    expect(m0['lr/generator']).toBeCloseTo(1e-4, 12);
    expect(m5['lr/generator']).toBeCloseTo(0.5e-4, 12);
    expect(m5['lr/discriminator']).toBe(4e-4);
    expect(gan.optimizers().generator).not.toBe(gan.optimizers().discriminator);
    x.dispose();
  });

  it('critic steps after the first train on fresh real batches from context.nextBatch', () => {
    // Three critic steps; record what each sees and the D weights after one trainStep.
    const run = (freshRealBatches: boolean | undefined, extra: (call: number) => tf.Tensor2D) => {
      const gan = createGan({
        generator: mlp(2, [8], 2, 'relu', 40),
        discriminator: mlp(2, [8], 1, 'relu', 41),
        latentDim: 2,
        variant: vanillaGan(),
        discriminatorSteps: 3,
        ...(freshRealBatches === undefined ? {} : { freshRealBatches }),
      });
      const drawn: tf.Tensor[] = [];
      const x = points(8, 42);
      gan.trainStep({ x }, { ...context(0), nextBatch: () => { const b = { x: extra(drawn.length) }; drawn.push(b.x); return b; } });
      const weights = snapshot(gan.discriminator);
      tf.dispose([x, ...drawn]);
      gan.dispose();
      return { calls: drawn.length, weights };
    };
    const fresh = run(undefined, (call) => points(8, 100 + call));
    const reused = run(false, (call) => points(8, 100 + call));
    const freshButSame = run(true, () => points(8, 42));
    expect(fresh.calls).toBe(2);
    expect(reused.calls).toBe(0);
    expect(freshButSame.calls).toBe(2);
    // Fresh batches that equal the first give the reused run exactly; different ones do not.
    expect(changed(freshButSame.weights, reused.weights)).toBe(false);
    expect(changed(fresh.weights, reused.weights)).toBe(true);
    expect(createGan({ generator: mlp(2, [8], 2), discriminator: mlp(2, [8], 1), latentDim: 2, variant: vanillaGan() }).config()['freshRealBatches']).toBe(true);
    expect(() =>
      createGan({ generator: mlp(2, [8], 2), discriminator: mlp(2, [8], 1), latentDim: 2, variant: vanillaGan(), freshRealBatches: 'yes' as unknown as boolean }),
    ).toThrow(/freshRealBatches/);
    // A bad extra batch is named as such.
    const gan = createGan({ generator: mlp(2, [8], 2), discriminator: mlp(2, [8], 1), latentDim: 2, variant: vanillaGan(), discriminatorSteps: 2 });
    const x = points(8, 43);
    expect(() => gan.trainStep({ x }, { ...context(0), nextBatch: () => ({ x: null as unknown as tf.Tensor }) })).toThrow(/context\.nextBatch\(\)\.x: expected a tensor/);
    x.dispose();
    gan.dispose();
  });

  it('PacGAN packing, label smoothing, instance noise, EMA, minibatch discrimination', () => {
    const packedD = mlp(4, [8], 1, 'relu', 20); // PacGAN2 on 2D points: D sees 4 numbers
    const G = mlp(2, [8], 2, 'relu', 21);
    const { gan, metrics } = twoStepsNoLeak({
      generator: G,
      discriminator: packedD,
      latentDim: 2,
      variant: vanillaGan(),
      packing: 2,
      labelSmoothing: 0.9,
      instanceNoise: { std: 0.5, annealSteps: 4 },
      ema: { decay: 0.5 },
    });
    expect(metrics['noise/std']).toBeCloseTo(0.375, 12);
    expect(gan.stateVariables().filter((v) => v.name.startsWith('generatorEma/'))).toHaveLength(G.weights.length);
    // EMA sampling uses the averaged weights, then restores the live ones.
    const live = snapshot(G);
    const sample = gan.sample(5, new Rng(1));
    expect(sample.shape).toEqual([5, 2]);
    expect(changed(live, snapshot(G))).toBe(false);
    const direct = G.predict(tf.tensor2d(new Rng(1).normalArray(10), [5, 2])) as tf.Tensor;
    expect(Array.from(direct.dataSync())).not.toEqual(Array.from(sample.dataSync()));
    tf.dispose([sample, direct]);
    expect(() => gan.trainStep({ x: tf.zeros([3, 2]) }, context(0))).toThrow(/divisible by packing 2/);

    const mbd = withSeededRandom(new Rng(22), () =>
      tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 8, activation: 'relu' }), new MinibatchDiscrimination({ numKernels: 4, kernelDim: 3 }), tfl.layers.dense({ units: 1 })] }),
    );
    twoStepsNoLeak({ generator: mlp(2, [8], 2, 'relu', 23), discriminator: mbd, latentDim: 2, variant: vanillaGan() });
  });

  it('rejects bad options with the field named', () => {
    const G = mlp(2, [4], 2);
    const D = mlp(2, [4], 1);
    expect(() => createGan({ generator: G, discriminator: D, latentDim: 0, variant: vanillaGan() })).toThrow(/latentDim/);
    expect(() => createGan({ generator: G, discriminator: D, latentDim: 2, variant: wganGp(), labelSmoothing: 0.9 })).toThrow(/labelSmoothing/);
    expect(() => createGan({ generator: G, discriminator: D, latentDim: 2, variant: { name: 'x' } })).toThrow(ArgumentError);
    expect(() => createGan({ generator: G, discriminator: D, latentDim: 2, variant: vanillaGan(), auxiliaryClassifier: {} })).toThrow(/auxiliaryClassifier/);
  });
});

describe('conditional GANs', () => {
  const numClasses = 3;
  function conditionalGenerator(seed: number) {
    return withSeededRandom(new Rng(seed), () => {
      const z = tfl.input({ shape: [2] });
      const y = tfl.input({ shape: [numClasses] });
      const h = tfl.layers.dense({ units: 8, activation: 'relu' }).apply(tfl.layers.concatenate().apply([z, y])) as tfl.SymbolicTensor;
      return tfl.model({ inputs: [z, y], outputs: tfl.layers.dense({ units: 2 }).apply(h) as tfl.SymbolicTensor });
    });
  }
  function batchWithLabels(): Batch {
    return { x: points(6, 30), y: tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32') };
  }

  it('concat conditioning: [z, labels] -> G, [x, labels] -> D; sample with labels', () => {
    const D = withSeededRandom(new Rng(31), () => {
      const x = tfl.input({ shape: [2] });
      const y = tfl.input({ shape: [1] }); // class id column
      const h = tfl.layers.dense({ units: 8, activation: 'relu' }).apply(tfl.layers.concatenate().apply([x, y])) as tfl.SymbolicTensor;
      return tfl.model({ inputs: [x, y], outputs: tfl.layers.dense({ units: 1 }).apply(h) as tfl.SymbolicTensor });
    });
    const gan = createGan({ generator: conditionalGenerator(32), discriminator: D, latentDim: 2, variant: wganGp({ criticSteps: 1 }), conditional: { numClasses } });
    const batch = batchWithLabels();
    gan.trainStep(batch, context(0));
    const before = tf.memory().numTensors;
    const metrics = gan.trainStep(batch, context(1));
    expect(tf.memory().numTensors).toBe(before);
    expect(metrics['penalty/gradient']).toBeGreaterThan(0);
    const s = gan.sample(3, new Rng(2), [2, 2, 1]);
    expect(s.shape).toEqual([3, 2]);
    s.dispose();
    expect(() => gan.trainStep({ x: batch.x }, context(2))).toThrow(/batch.y/);
    expect(() => gan.trainStep({ x: batch.x, y: tf.tensor1d([0, 1, 5, 0, 1, 2], 'int32') }, context(2))).toThrow(/class ids in \[0, 2\]/);
  });

  it('AC-GAN: D outputs [logits, class logits]; auxiliary losses are logged', () => {
    const D = withSeededRandom(new Rng(33), () => {
      const x = tfl.input({ shape: [2] });
      const h = tfl.layers.dense({ units: 8, activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
      return tfl.model({ inputs: x, outputs: [tfl.layers.dense({ units: 1 }).apply(h) as tfl.SymbolicTensor, tfl.layers.dense({ units: numClasses }).apply(h) as tfl.SymbolicTensor] });
    });
    const gan = createGan({
      generator: conditionalGenerator(34),
      discriminator: D,
      latentDim: 2,
      variant: vanillaGan(),
      conditional: { numClasses },
      auxiliaryClassifier: { weight: 1 },
    });
    const batch = batchWithLabels();
    gan.trainStep(batch, context(0));
    const before = tf.memory().numTensors;
    const metrics = gan.trainStep(batch, context(1));
    expect(tf.memory().numTensors).toBe(before);
    // Two cross-entropies of 3 classes near chance: about 2 ln 3 for D, ln 3 for G.
    expect(metrics['loss/auxiliary']).toBeGreaterThan(0.5);
    expect(metrics['loss/auxiliary']).toBeLessThan(5);
    expect(metrics['loss/auxiliaryGenerator']).toBeGreaterThan(0.2);
  });
});

describe('with the core Trainer', () => {
  it('fits a few steps, logs grouped metrics, leaves no tensors', async () => {
    let cursor = 0;
    const iterator: BatchIterator = {
      batchSize: 8,
      batchesPerEpoch: 10,
      next: () => ({ x: points(8, 100 + cursor++) }),
      getState: () => cursor,
      setState: (s) => {
        cursor = s as number;
      },
    };
    const gan = createGan({ generator: mlp(2, [8], 2, 'relu', 40), discriminator: mlp(2, [8], 1, 'relu', 41), latentDim: 2, variant: wganGp({ criticSteps: 2 }) });
    const before = tf.memory().numTensors;
    const summary = await new Trainer(gan, { seed: 3, log: () => {} }).fit(iterator, { steps: 3 });
    expect(summary.stopReason).toBe('completed');
    expect(summary.metrics).toHaveProperty('penalty/gradient');
    expect(summary.metrics).toHaveProperty('loss/discriminator');
    // The optimizers' slot variables are the only new tensors.
    const slots = gan.optimizers().generator.getWeights().then((w) => w.length);
    const dSlots = gan.optimizers().discriminator.getWeights().then((w) => w.length);
    const created = tf.memory().numTensors - before;
    const [gs, ds] = await Promise.all([slots, dSlots]);
    expect(created).toBeLessThanOrEqual(gs + ds);
  });
});

describe('checkpoints', () => {
  it('a run resumed from a checkpoint ends exactly like an uninterrupted one (SN vectors, EMA, optimizer slots, extra critic batches)', async () => {
    const data = () => {
      let cursor = 0;
      const iterator: BatchIterator = {
        batchSize: 8,
        batchesPerEpoch: 10,
        next: () => ({ x: points(8, 200 + cursor++) }),
        getState: () => cursor,
        setState: (s) => {
          cursor = s as number;
        },
      };
      return iterator;
    };
    const build = (seed: number) =>
      createGan({
        generator: mlp(2, [8], 2, 'relu', seed),
        discriminator: withSeededRandom(new Rng(seed + 1), () =>
          tfl.sequential({ layers: [spectralNorm(tfl.layers.dense({ inputShape: [2], units: 8, activation: 'relu' })), spectralNorm(tfl.layers.dense({ units: 1 }))] }),
        ),
        latentDim: 2,
        variant: snganHinge(),
        ema: { decay: 0.9 },
        // Two critic steps: the second draws a fresh batch, so the data position must resume too.
        discriminatorSteps: 2,
      });
    const values = (gan: ReturnType<typeof build>) => gan.stateVariables().map((v) => Array.from(v.read().dataSync()));
    const reference = build(50);
    await new Trainer(reference, { seed: 9, log: () => {} }).fit(data(), { steps: 6 });

    const store = new MemoryCheckpointStore();
    const first = build(50);
    await new Trainer(first, { seed: 9, log: () => {} }).fit(data(), { steps: 3, checkpoint: { store, every: 3 } });
    const second = build(77); // another init: the checkpoint supplies every weight
    const summary = await new Trainer(second, { seed: 0, log: () => {} }).fit(data(), { steps: 6, resumeFrom: store });
    expect(summary.resumedFrom).toBe(3);
    expect(values(second)).toEqual(values(reference));
  });
});

describe('WGAN-GP end to end', () => {
  it('moves a 1-D generator to the data (real N(3, 0.5), critic x/4 -> 32 ReLU -> 1): the critic scores reals higher on the way', () => {
    const G = withSeededRandom(new Rng(1), () => tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [1] })] }));
    const D = withSeededRandom(new Rng(2), () =>
      tfl.sequential({ layers: [tfl.layers.rescaling({ inputShape: [1], scale: 0.25 }), tfl.layers.dense({ units: 32, activation: 'relu' }), tfl.layers.dense({ units: 1 })] }),
    );
    const gan = createGan({ generator: G, discriminator: D, latentDim: 1, variant: wganGp(), optimizers: { generator: tf.train.adam(1e-2, 0.5, 0.9), discriminator: tf.train.adam(1e-2, 0.5, 0.9) } });
    const rng = new Rng(3);
    const generatedMean = () => tf.tidy(() => tf.mean(G.predict(tf.randomNormal([1000, 1], 0, 1, 'float32', 5)) as tf.Tensor).dataSync()[0]);
    const start = generatedMean();
    const criticLosses: number[] = [];
    for (let step = 0; step < 250; step++) {
      const x = tf.tensor2d(Array.from({ length: 64 }, () => 3 + 0.5 * rng.normal(0, 1)), [64, 1]);
      criticLosses.push(gan.trainStep({ x }, { step, rng: new Rng(100 + step) })['loss/discriminator']);
      x.dispose();
    }
    // Wasserstein critic loss mean D(fake) - mean D(real): negative while G is below the data.
    const early = criticLosses.slice(20, 150);
    expect(early.reduce((a, b) => a + b, 0) / early.length).toBeLessThan(-0.5);
    expect(Math.abs(start)).toBeLessThan(0.5);
    expect(generatedMean()).toBeGreaterThan(2); // from ~0 toward 3 (Adam moves b ~0.01 per step)
    gan.dispose();
    G.dispose();
    D.dispose();
  });
});

describe('Dirac-GAN (Mescheder et al. 2018): why WGAN-GP does not settle on point-like modes', () => {
  it('with G on the data, the WGAN-GP critic settles at slope 1 and pushes G off; with penaltyTarget 0 it settles at 0', () => {
    const before = tf.memory().numTensors;
    // Data at 0, G(z) = theta = 0 (already on the data), critic D(x) = slope * x.
    for (const target of [1, 0]) {
      const variant = resolveGanVariant(wganGp({ penaltyTarget: target }));
      const slope = tf.tidy(() => tf.variable(tf.scalar(0.3)));
      const critic = (x: tf.Tensor) => tf.mul(x, slope);
      const real = tf.zeros([16, 1]);
      const fake = tf.zeros([16, 1]);
      const rng = new Rng(1);
      for (let step = 0; step < 300; step++) {
        // The Wasserstein term is 0 here, so only the penalty moves the slope: towards `target`.
        const { value, grads } = tf.variableGrads(
          () =>
            variant.regularizers.reduce(
              (total, r) => tf.add(total, tf.mul(r.weight, r.apply({ critic, real, fake, rng, step }))),
              variant.discriminatorLoss(critic(real), critic(fake)),
            ) as tf.Scalar,
          [slope],
        );
        const next = tf.tidy(() => tf.sub(slope, tf.mul(0.01, grads[slope.name])));
        slope.assign(next as tf.Scalar);
        tf.dispose([next, value, grads[slope.name]]);
      }
      expect(slope.dataSync()[0]).toBeCloseTo(target, 4);
      // G's gradient at the data is -slope: nonzero (G is pushed off the mode) unless the target is 0.
      const theta = tf.scalar(0);
      const pull = tf.grad((t: tf.Tensor) => variant.generatorLoss(critic(tf.mul(t, tf.ones([16, 1])))))(theta);
      expect(pull.dataSync()[0]).toBeCloseTo(-target, 4);
      tf.dispose([slope, real, fake, theta, pull]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
