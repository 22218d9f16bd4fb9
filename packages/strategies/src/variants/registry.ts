import { ArgumentError } from '@tfgen/core';
import type { GanVariant } from '../gan-variant';
import { dragan } from './dragan';
import { lsgan } from './lsgan';
import { r1Gan } from './r1-gan';
import { snganHinge } from './sngan-hinge';
import { vanillaGan } from './vanilla';
import { wgan } from './wgan';
import { wganGp } from './wgan-gp';

/** A named preset: what it is, and how to make it with its defaults. */
export interface GanVariantEntry {
  /** One line for `--help` and reports. */
  readonly description: string;
  /** Builds the variant with the paper's defaults. */
  create(): GanVariant;
}

/**
 * Every built-in GAN variant by name. The CLI's `--variant` flag and the
 * comparison's `--variants` list read this record, so a new variant is one file
 * in `variants/` plus one line here.
 */
export const ganVariants: Readonly<Record<string, GanVariantEntry>> = {
  vanilla: { description: 'non-saturating loss, Adam 2e-4 (beta1 0.5)', create: () => vanillaGan() },
  'wgan-gp': { description: 'Wasserstein loss + gradient penalty 10, 5 critic steps', create: () => wganGp() },
  'sngan-hinge': { description: 'hinge loss, Adam 2e-4 (betas 0/0.9); put spectralNorm on D', create: () => snganHinge() },
  lsgan: { description: 'least-squares loss', create: () => lsgan() },
  wgan: { description: 'Wasserstein loss with weight clipping 0.01 (original WGAN)', create: () => wgan() },
  dragan: { description: 'non-saturating loss + DRAGAN penalty around the real data', create: () => dragan() },
  r1: { description: 'non-saturating loss + R1 penalty on real data', create: () => r1Gan() },
};

/** The names `getGanVariant` accepts. */
export function ganVariantNames(): string[] {
  return Object.keys(ganVariants);
}

/** The variant registered under `name`, with its defaults; an ArgumentError lists the valid names. */
export function getGanVariant(name: string): GanVariant {
  const entry = Object.prototype.hasOwnProperty.call(ganVariants, name) ? ganVariants[name] : undefined;
  if (!entry) throw new ArgumentError('variant', `one of ${ganVariantNames().map((n) => JSON.stringify(n)).join(', ')}`, name);
  return entry.create();
}
