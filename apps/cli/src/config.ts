import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArgumentError } from '@tfgen/core';
import { ganVariantNames } from '@tfgen/strategies';
import YAML from 'yaml';
import { z } from 'zod';

/** Models `tfgen train --model` accepts. */
export const MODEL_NAMES = ['mlp-gan', 'dcgan', 'vae'] as const;
/** Datasets `tfgen train --dataset` accepts (`ring`: 8 Gaussians on a circle, `grid`: 25 on a 5x5 grid). */
export const DATASET_NAMES = ['ring', 'grid', 'mnist', 'fashion-mnist'] as const;
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
    /** GAN loss; the default follows the model (non-saturating for GANs). */
    loss: z.enum(LOSS_NAMES).default('non-saturating'),
    /** A GAN variant preset from @tfgen/strategies (loss, regularizers, critic steps, optimizers); excludes --loss, --gradient-penalty, --discriminator-steps. */
    variant: z.enum(VARIANT_NAMES).optional(),
    learningRate: numeric(z.number().positive()).default(2e-4),
    beta1: numeric(z.number().min(0).max(1)).default(0.5),
    beta2: numeric(z.number().min(0).max(1)).default(0.999),
    /** Two time-scale update rule: [generator, discriminator] learning rates; overrides learningRate. */
    ttur: tturSchema.optional(),
    spectralNorm: boolean.default(false),
    /** WGAN-GP gradient penalty weight (0: off). */
    gradientPenalty: numeric(z.number().min(0)).default(0),
    discriminatorSteps: integer(1).default(1),
    /** Unrolled GAN steps (0: off; MLP discriminators only). */
    unrolledSteps: integer(0).default(0),
    /** PacGAN packing degree (1: off). */
    packing: integer(1).default(1),
    /** EMA decay of the generator's weights (0: off). */
    emaDecay: numeric(z.number().min(0).lt(1)).default(0),
    /** mlp-gan only: start from a published 2D architecture (`unrolled`: Metz et al. 2017; `pacgan`: Lin et al. 2018). */
    architecture: z.enum(['default', 'unrolled', 'pacgan']).default('default'),
    latentDim: integer(1).optional(),
    hiddenUnits: integer(1).optional(),
    hiddenLayers: integer(1).optional(),
  })
  .strict();

/** A validated training configuration (defaults filled in). */
export type TrainConfig = z.infer<typeof trainConfigSchema>;
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
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw configIssueError(issue, input, source);
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
  if (config.model !== 'vae') parts.push(`${config.loss} loss`);
  if (config.spectralNorm) parts.push('spectral norm');
  if (config.gradientPenalty > 0) parts.push(`gradient penalty ${config.gradientPenalty}`);
  if (config.ttur) parts.push(`TTUR ${config.ttur.join('/')}`);
  if (config.unrolledSteps > 0) parts.push(`unrolled ${config.unrolledSteps}`);
  if (config.packing > 1) parts.push(`packing ${config.packing}`);
  parts.push(`${config.steps} steps, batch ${config.batchSize}, seed ${config.seed}`);
  return parts.join(', ');
}

