import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkImageShape } from '@tfgen/architectures';
import { ArgumentError } from '@tfgen/core';
import { ganVariantNames } from '@tfgen/strategies';
import YAML from 'yaml';
import { z } from 'zod';

/** Models `tfgen train --model` accepts (see {@link MODEL_DATASETS} for the data each one fits). */
export const MODEL_NAMES = [
  'mlp-gan',
  'dcgan',
  'sngan-resnet',
  'stylegan2',
  'cgan-concat',
  'acgan',
  'cgan-projection',
  'vae',
  'pixelcnn',
  'wavenet',
] as const;
/**
 * Datasets `tfgen train --dataset` accepts. 2D mixtures: `ring` (8 Gaussians on a circle), `grid`
 * (25 on a 5x5 grid), `spiral`, `two-moons`; images: `mnist`, `fashion-mnist`, `stacked-mnist`
 * (three digits as RGB, 1000 modes), `image-folder` (PNG/JPEG files in `--data-dir`); audio
 * (mu-law, for WaveNet): `sine` (a sum of two sines), `chirp` (repeated frequency sweeps).
 */
export const DATASET_NAMES = ['ring', 'grid', 'spiral', 'two-moons', 'mnist', 'fashion-mnist', 'stacked-mnist', 'image-folder', 'sine', 'chirp'] as const;
/** GAN losses `--loss` accepts (kebab-case names of the @tfgen/losses pairs). */
export const LOSS_NAMES = ['minimax', 'non-saturating', 'wasserstein', 'hinge', 'least-squares', 'relativistic', 'relativistic-hinge'] as const;
/** GAN variant presets `--variant` accepts: every entry of @tfgen/strategies' `ganVariants`. */
export const VARIANT_NAMES = ganVariantNames() as [string, ...string[]];
/** Backends `--backend` accepts; `auto` lets the CLI pick (wasm when it loads, else cpu). */
export const BACKEND_NAMES = ['auto', 'cpu', 'wasm'] as const;

export type ModelName = (typeof MODEL_NAMES)[number];
export type DatasetName = (typeof DATASET_NAMES)[number];
export type LossName = (typeof LOSS_NAMES)[number];
export type BackendName = (typeof BACKEND_NAMES)[number];

const MIXTURES = ['ring', 'grid', 'spiral', 'two-moons'] as const;
const IMAGES = ['mnist', 'fashion-mnist', 'stacked-mnist', 'image-folder'] as const;
const LABELLED = ['mnist', 'fashion-mnist'] as const;
const BINARY = ['mnist', 'fashion-mnist'] as const;

/** The datasets each model fits: GANs on images take any image set, class-conditional ones need labels, the Bernoulli explicit models binarized grey images. */
export const MODEL_DATASETS: Readonly<Record<ModelName, readonly DatasetName[]>> = {
  'mlp-gan': MIXTURES,
  dcgan: IMAGES,
  'sngan-resnet': IMAGES,
  stylegan2: IMAGES,
  'cgan-concat': LABELLED,
  acgan: LABELLED,
  'cgan-projection': LABELLED,
  vae: BINARY,
  pixelcnn: BINARY,
  wavenet: ['sine', 'chirp'],
};

/** GAN models (the GAN-only fields --loss, --variant, --ttur, ... apply to them). */
export const GAN_MODELS: readonly ModelName[] = ['mlp-gan', 'dcgan', 'sngan-resnet', 'stylegan2', 'cgan-concat', 'acgan', 'cgan-projection'];
/** Class-conditional GANs: labels come from the dataset, `tfgen sample` draws one row per class. */
export const CONDITIONAL_MODELS: readonly ModelName[] = ['cgan-concat', 'acgan', 'cgan-projection'];

/** Per-model defaults of the training recipe: the papers' optimizer settings. */
interface ModelRecipe {
  readonly loss: LossName;
  readonly discriminatorSteps: number;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
}
const DCGAN_RECIPE: ModelRecipe = { loss: 'non-saturating', discriminatorSteps: 1, learningRate: 2e-4, beta1: 0.5, beta2: 0.999 };
// SNGAN (Miyato et al. 2018) and the projection discriminator (Miyato & Koyama 2018): hinge, Adam(2e-4, 0, 0.9), 5 D steps.
const SNGAN_RECIPE: ModelRecipe = { loss: 'hinge', discriminatorSteps: 5, learningRate: 2e-4, beta1: 0, beta2: 0.9 };
const EXPLICIT_RECIPE: ModelRecipe = { ...DCGAN_RECIPE, learningRate: 1e-3 };
/** The recipe fields a model gets when the config leaves them out. */
export const MODEL_RECIPES: Readonly<Record<ModelName, ModelRecipe>> = {
  'mlp-gan': DCGAN_RECIPE,
  dcgan: DCGAN_RECIPE,
  'sngan-resnet': SNGAN_RECIPE,
  // StyleGAN2 (Karras et al. 2020): non-saturating loss, Adam betas 0 / 0.99.
  stylegan2: { ...DCGAN_RECIPE, beta1: 0, beta2: 0.99 },
  'cgan-concat': DCGAN_RECIPE,
  acgan: DCGAN_RECIPE,
  'cgan-projection': SNGAN_RECIPE,
  vae: EXPLICIT_RECIPE,
  pixelcnn: EXPLICIT_RECIPE,
  wavenet: EXPLICIT_RECIPE,
};

/** Numbers may arrive as strings from the command line; turn numeric strings into numbers so zod checks the value. */
const numeric = (schema: z.ZodNumber) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v), schema);
const integer = (min: number) => numeric(z.number().int().min(min));
const boolean = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());

/** `1e-4,4e-4` -> [1e-4, 4e-4]: generator and discriminator learning rates (two time-scale update rule). */
const tturSchema = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s)) : v),
  z.tuple([z.number().positive(), z.number().positive()]),
);

/**
 * Everything a training run needs, validated by zod. Flags and config files (JSON or YAML)
 * produce the same object; unknown fields are errors so typos do not pass silently.
 */
export const trainConfigSchema = z
  .object({
    model: z.enum(MODEL_NAMES),
    dataset: z.enum(DATASET_NAMES),
    /** Run folder: config.json, metrics.jsonl, checkpoint, samples/, loss-curve.svg. */
    out: z.string().min(1),
    steps: integer(1).default(2000),
    batchSize: integer(1).default(64),
    seed: integer(0).default(0),
    backend: z.enum(BACKEND_NAMES).default('auto'),
    checkpointEvery: integer(1).default(500),
    sampleEvery: integer(1).default(500),
    logEvery: integer(1).default(10),
    /** GAN loss; the default follows the model ({@link MODEL_RECIPES}: hinge for sngan-resnet and cgan-projection, else non-saturating). */
    loss: z.enum(LOSS_NAMES).optional(),
    /** A GAN variant preset from @tfgen/strategies (loss, regularizers, critic steps, optimizers); excludes --loss, --gradient-penalty, --discriminator-steps. */
    variant: z.enum(VARIANT_NAMES).optional(),
    /** Adam learning rate (default per model: 2e-4 for GANs, 1e-3 for vae, pixelcnn, wavenet). */
    learningRate: numeric(z.number().positive()).optional(),
    /** Adam beta1 (default per model: 0.5; 0 for sngan-resnet, cgan-projection, stylegan2). */
    beta1: numeric(z.number().min(0).max(1)).optional(),
    /** Adam beta2 (default per model: 0.999; 0.9 for sngan-resnet and cgan-projection, 0.99 for stylegan2). */
    beta2: numeric(z.number().min(0).max(1)).optional(),
    /** Two time-scale update rule: [generator, discriminator] learning rates; overrides learningRate. */
    ttur: tturSchema.optional(),
    spectralNorm: boolean.default(false),
    /** WGAN-GP gradient penalty weight (0: off). */
    gradientPenalty: numeric(z.number().min(0)).default(0),
    /** The gradient norm the penalty pulls towards: 1 (WGAN-GP) or 0 (zero-centred; settles on point-like modes). */
    gradientPenaltyTarget: numeric(z.number().min(0)).default(1),
    /** Discriminator updates per generator update (default per model: 1; 5 for sngan-resnet and cgan-projection). */
    discriminatorSteps: integer(1).optional(),
    /** Unrolled GAN steps (0: off; MLP discriminators only). */
    unrolledSteps: integer(0).default(0),
    /** PacGAN packing degree (1: off). */
    packing: integer(1).default(1),
    /** EMA decay of the generator's weights (0: off). */
    emaDecay: numeric(z.number().min(0).lt(1)).default(0),
    /** mlp-gan only: start from a published 2D architecture (`unrolled`: Metz et al. 2017; `pacgan`: Lin et al. 2018). */
    architecture: z.enum(['default', 'unrolled', 'pacgan']).default('default'),
    latentDim: integer(1).optional(),
    /** Width: hidden units (mlp-gan, vae), base channels (conv GANs), filters (pixelcnn), residual channels (wavenet). */
    hiddenUnits: integer(1).optional(),
    /** Depth: hidden layers (mlp-gan, vae), gated layers (pixelcnn), dilated layers 1, 2, 4, ... (wavenet). */
    hiddenLayers: integer(1).optional(),
    /** Images per training-time sample sheet (default 64; pixelcnn 16, as it draws pixel by pixel; 0: no sheets). */
    sampleCount: integer(0).optional(),
    /** Image datasets: train on the first n training images only (default all; quick experiments and tests). */
    imageLimit: integer(1).optional(),
    /** image-folder: the folder of PNG/JPEG files (sub-folders are not read). */
    dataDir: z.string().min(1).optional(),
    /** image-folder: images are resized to imageSize x imageSize (default 32). */
    imageSize: integer(4).optional(),
    /** image-folder: 1 (grey) or 3 (RGB) channels (default 3). */
    channels: numeric(z.number().int().min(1).max(3)).optional(),
    /** Audio datasets: samples per second of the signal (default 8000; at least 1000, so every tone lies below the Nyquist frequency). */
    sampleRate: integer(1000).optional(),
    /** wavenet: samples per training window (default: the receptive field + 128). */
    windowLength: integer(2).optional(),
    /** wavenet: mu-law quantization levels (default 256). */
    muLawLevels: integer(2).optional(),
  })
  .strict();

/** The recipe fields {@link parseTrainConfig} fills in per model. */
type RecipeField = keyof ModelRecipe;

/** A validated training configuration (defaults filled in, the recipe fields per model). */
export type TrainConfig = Omit<z.infer<typeof trainConfigSchema>, RecipeField> & ModelRecipe;
/** What users write: every field with a default may be left out. */
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** Kebab-case flag for a config field, for messages: `batchSize` -> `--batch-size`. */
export function flagName(field: string): string {
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Validates a config object; every problem is an ArgumentError naming the field, the
 * expected value and the actual one, e.g.
 * `config.steps (--steps): expected an integer >= 1, got -5`.
 */
export function parseTrainConfig(input: unknown, source = 'config'): TrainConfig {
  const result = trainConfigSchema.safeParse(input);
  if (!result.success) throw configIssueError(result.error.issues[0], input, source);
  const parsed = result.data;
  const fits = MODEL_DATASETS[parsed.model];
  if (!fits.includes(parsed.dataset)) {
    throw new ArgumentError(`${source}.dataset (--dataset)`, `one of ${fits.map((d) => JSON.stringify(d)).join(', ')} for model ${JSON.stringify(parsed.model)}`, parsed.dataset);
  }
  if (parsed.dataset === 'image-folder' && parsed.dataDir === undefined) {
    throw new ArgumentError(`${source}.dataDir (--data-dir)`, 'a folder of PNG/JPEG images for dataset "image-folder"', undefined);
  }
  if (parsed.channels === 2) throw new ArgumentError(`${source}.channels (--channels)`, '1 (grey) or 3 (RGB)', 2);
  if (parsed.imageSize !== undefined) {
    try {
      checkImageShape([parsed.imageSize, parsed.imageSize, 1], 'imageSize');
    } catch {
      // The conv GANs halve the side down to a base of 3..7 pixels.
      throw new ArgumentError(`${source}.imageSize (--image-size)`, 'a side of b * 2^k with b in 3..7 and k >= 1 (e.g. 8, 28, 32, 64)', parsed.imageSize);
    }
  }
  if (parsed.imageLimit !== undefined && !IMAGES.includes(parsed.dataset as never)) {
    throw new ArgumentError(`${source}.imageLimit (--image-limit)`, 'left out (it applies to image datasets only)', parsed.imageLimit);
  }
  if (parsed.dataset !== 'image-folder') {
    for (const field of ['dataDir', 'imageSize', 'channels'] as const) {
      if (parsed[field] !== undefined) throw new ArgumentError(`${source}.${field} (${flagName(field)})`, 'left out (it applies to dataset "image-folder" only)', parsed[field]);
    }
  }
  if (parsed.model !== 'wavenet') {
    for (const field of ['sampleRate', 'windowLength', 'muLawLevels'] as const) {
      if (parsed[field] !== undefined) throw new ArgumentError(`${source}.${field} (${flagName(field)})`, 'left out (it applies to model "wavenet" only)', parsed[field]);
    }
  }
  const recipe = MODEL_RECIPES[parsed.model];
  if (!GAN_MODELS.includes(parsed.model)) {
    // An explicit model has no discriminator or GAN loss: a GAN field set to anything but its default is a mistake.
    for (const field of ['loss', 'discriminatorSteps', 'beta1', 'beta2'] as const) {
      if (parsed[field] !== undefined && parsed[field] !== recipe[field]) {
        throw new ArgumentError(`${source}.${field} (${flagName(field)})`, `left out for model ${JSON.stringify(parsed.model)} (GAN models only)`, parsed[field]);
      }
    }
  }
  return {
    ...parsed,
    loss: parsed.loss ?? recipe.loss,
    discriminatorSteps: parsed.discriminatorSteps ?? recipe.discriminatorSteps,
    learningRate: parsed.learningRate ?? recipe.learningRate,
    beta1: parsed.beta1 ?? recipe.beta1,
    beta2: parsed.beta2 ?? recipe.beta2,
  };
}

function configIssueError(issue: z.ZodIssue, input: unknown, source: string): ArgumentError {
  const where = issue.path.map(String);
  const field = where.length > 0 ? `${source}.${where.join('.')}` : source;
  const named = where.length > 0 && typeof issue.path[0] === 'string' ? `${field} (${flagName(where[0])})` : field;
  const actual = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = Object.keys(trainConfigSchema.shape).join(', ');
      return new ArgumentError(`${source}.${issue.keys[0]}`, `a known field (${known})`, 'an unknown field', `fields: ${issue.keys.join(', ')}`);
    }
    case 'invalid_enum_value':
      return new ArgumentError(named, `one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`, actual);
    case 'invalid_type':
      if (issue.received === 'undefined') return new ArgumentError(named, `a value (required field of type ${issue.expected})`, undefined);
      return new ArgumentError(named, typeName(issue.expected), actual);
    case 'too_small':
      if (issue.type === 'array') return new ArgumentError(named, typeName('array'), actual);
      return new ArgumentError(named, issue.type === 'string' ? 'a non-empty string' : `a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`, actual);
    case 'too_big':
      if (issue.type === 'array') return new ArgumentError(named, typeName('array'), actual);
      return new ArgumentError(named, `a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`, actual);
    case 'invalid_literal':
    default:
      return new ArgumentError(named, issue.message.toLowerCase(), actual);
  }
}

function typeName(expected: string): string {
  if (expected === 'array') return 'two comma-separated learning rates like 1e-4,4e-4';
  if (expected === 'integer') return 'an integer';
  return `a ${expected}`;
}

function valueAt(input: unknown, keys: readonly (string | number)[]): unknown {
  let value = input;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/**
 * Reads a config file (`.json`, `.yaml` or `.yml`) into a plain object (not yet validated:
 * flags are merged over it first). Unreadable or malformed files throw an ArgumentError
 * naming the file.
 */
export function readConfigFile(filePath: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ArgumentError(`--config ${filePath}`, 'a readable JSON or YAML file', code === 'ENOENT' ? 'no such file' : String(code ?? error));
  }
  const extension = path.extname(filePath).toLowerCase();
  let value: unknown;
  try {
    value = extension === '.json' ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    const kind = extension === '.json' ? 'JSON' : 'YAML';
    throw new ArgumentError(`--config ${filePath}`, `valid ${kind}`, text.slice(0, 60), (error as Error).message.split('\n')[0]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ArgumentError(`--config ${filePath}`, 'a mapping of config fields (an object)', value);
  }
  return value as Record<string, unknown>;
}

/** Flags that were given (not undefined) override the file's fields. */
export function mergeConfig(fromFile: Record<string, unknown>, fromFlags: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [key, value] of Object.entries(fromFlags)) if (value !== undefined) merged[key] = value;
  return merged;
}

/** A short human description of a config for logs: `mlp-gan on ring, non-saturating loss, 2000 steps`. */
export function describeConfig(config: TrainConfig): string {
  const parts = [`${config.model} on ${config.dataset}`];
  if (GAN_MODELS.includes(config.model)) parts.push(config.variant ? `${config.variant} variant` : `${config.loss} loss`);
  if (config.spectralNorm) parts.push('spectral norm');
  if (config.gradientPenalty > 0) parts.push(`gradient penalty ${config.gradientPenalty}${config.gradientPenaltyTarget !== 1 ? ` (target ${config.gradientPenaltyTarget})` : ''}`);
  if (config.ttur) parts.push(`TTUR ${config.ttur.join('/')}`);
  if (config.unrolledSteps > 0) parts.push(`unrolled ${config.unrolledSteps}`);
  if (config.packing > 1) parts.push(`packing ${config.packing}`);
  parts.push(`${config.steps} steps, batch ${config.batchSize}, seed ${config.seed}`);
  return parts.join(', ');
}

