// Walk-through 2, continued: train the new variant on the ring of 8 Gaussians.
import { Rng } from '@tfgen/core';
import { mlpGan } from '@tfgen/architectures';
import { ringOfGaussians } from '@tfgen/datasets';
import { createGan } from '@tfgen/strategies';
import { lsganR1 } from './lsgan-r1';

/** Trains `steps` steps and returns each step's metrics (losses and `penalty/r1`). */
export function trainLsganR1(steps: number, seed = 0): Record<string, number>[] {
  const { generator, discriminator, latentDim } = mlpGan({ latentDim: 2, hiddenUnits: 32, hiddenLayers: 2, seed });
  const gan = createGan({ generator, discriminator, latentDim, variant: lsganR1({ gamma: 1 }) });
  const batches = ringOfGaussians().batches({ batchSize: 64, seed });
  const rng = new Rng(seed);
  const history: Record<string, number>[] = [];
  for (let step = 0; step < steps; step++) {
    const batch = batches.next();
    history.push({ ...gan.trainStep(batch, { step, rng }) });
    batch.x.dispose();
  }
  gan.dispose(); // its optimizers
  generator.dispose();
  discriminator.dispose();
  return history;
}
