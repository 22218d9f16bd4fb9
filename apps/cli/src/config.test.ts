import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@tfgen/core';
import { flagName, mergeConfig, parseTrainConfig, readConfigFile } from './config';

const base = { model: 'mlp-gan', dataset: 'ring', out: 'runs/x' };

function errorOf(fn: () => unknown): ArgumentError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ArgumentError);
    return error as ArgumentError;
  }
  throw new Error('expected an ArgumentError');
}

describe('parseTrainConfig', () => {
  it('fills defaults and turns numeric flag strings into numbers', () => {
    const config = parseTrainConfig({ ...base, steps: '300', batchSize: '32', ttur: '1e-4,4e-4', spectralNorm: true, gradientPenalty: '10' });
    expect(config.steps).toBe(300);
    expect(config.batchSize).toBe(32);
    expect(config.ttur).toEqual([1e-4, 4e-4]);
    expect(config.gradientPenalty).toBe(10);
    expect(config.loss).toBe('non-saturating');
    expect(config.seed).toBe(0);
    expect(config.backend).toBe('auto');
  });

  it('names the field, its flag, the expected and the actual value', () => {
    const steps = errorOf(() => parseTrainConfig({ ...base, steps: '-5' }));
    expect(steps.message).toBe('config.steps (--steps): expected a number >= 1, got "-5"');
    const fraction = errorOf(() => parseTrainConfig({ ...base, batchSize: 2.5 }));
    expect(fraction.message).toBe('config.batchSize (--batch-size): expected an integer, got 2.5');
    const text = errorOf(() => parseTrainConfig({ ...base, steps: 'many' }));
    expect(text.message).toBe('config.steps (--steps): expected a number, got "many"');
    const model = errorOf(() => parseTrainConfig({ ...base, model: 'gpt' }));
    expect(model.argument).toBe('config.model (--model)');
    expect(model.expected).toContain('"mlp-gan", "dcgan", "sngan-resnet", "stylegan2", "cgan-concat", "acgan", "cgan-projection", "vae", "pixelcnn", "wavenet"');
    expect(model.actual).toBe('"gpt"');
    const missing = errorOf(() => parseTrainConfig({ model: 'vae', dataset: 'mnist' }));
    expect(missing.message).toMatch(/^config\.out \(--out\): expected a value/);
    const ttur = errorOf(() => parseTrainConfig({ ...base, ttur: '1e-4' }));
    expect(ttur.message).toMatch(/config\.ttur \(--ttur\): expected two comma-separated learning rates/);
    const unknown = errorOf(() => parseTrainConfig({ ...base, stpes: 10 }, 'run.yaml'));
    expect(unknown.message).toMatch(/^run\.yaml\.stpes: expected a known field \(model, dataset, out, steps/);
  });

  it('fills the recipe fields per model: the SNGAN hinge preset, StyleGAN2 betas, explicit models at 1e-3', () => {
    const sngan = parseTrainConfig({ model: 'sngan-resnet', dataset: 'mnist', out: 'r' });
    expect([sngan.loss, sngan.discriminatorSteps, sngan.learningRate, sngan.beta1, sngan.beta2]).toEqual(['hinge', 5, 2e-4, 0, 0.9]);
    const projection = parseTrainConfig({ model: 'cgan-projection', dataset: 'mnist', out: 'r', loss: 'wasserstein', discriminatorSteps: 2 });
    expect([projection.loss, projection.discriminatorSteps, projection.beta1]).toEqual(['wasserstein', 2, 0]);
    const style = parseTrainConfig({ model: 'stylegan2', dataset: 'fashion-mnist', out: 'r' });
    expect([style.loss, style.beta1, style.beta2]).toEqual(['non-saturating', 0, 0.99]);
    const dcgan = parseTrainConfig({ model: 'dcgan', dataset: 'stacked-mnist', out: 'r' });
    expect([dcgan.loss, dcgan.discriminatorSteps, dcgan.beta1, dcgan.beta2]).toEqual(['non-saturating', 1, 0.5, 0.999]);
    for (const model of ['vae', 'pixelcnn'] as const) expect(parseTrainConfig({ model, dataset: 'mnist', out: 'r' }).learningRate).toBe(1e-3);
    expect(parseTrainConfig({ model: 'wavenet', dataset: 'chirp', out: 'r', sampleRate: '4000' }).sampleRate).toBe(4000);
    // A resolved config (as written to config.json) parses to itself.
    expect(parseTrainConfig(sngan)).toEqual(sngan);
    expect(parseTrainConfig(parseTrainConfig({ model: 'wavenet', dataset: 'sine', out: 'r' }))).toMatchObject({ loss: 'non-saturating', learningRate: 1e-3 });
  });

  it('rejects model x dataset pairs that do not fit, and fields of other models, naming the field', () => {
    const audioGan = errorOf(() => parseTrainConfig({ model: 'dcgan', dataset: 'sine', out: 'r' }));
    expect(audioGan.message).toBe('config.dataset (--dataset): expected one of "mnist", "fashion-mnist", "stacked-mnist", "image-folder" for model "dcgan", got "sine"');
    const unlabelled = errorOf(() => parseTrainConfig({ model: 'acgan', dataset: 'stacked-mnist', out: 'r' }, 'run.yaml'));
    expect(unlabelled.message).toBe('run.yaml.dataset (--dataset): expected one of "mnist", "fashion-mnist" for model "acgan", got "stacked-mnist"');
    expect(errorOf(() => parseTrainConfig({ model: 'wavenet', dataset: 'mnist', out: 'r' })).message).toMatch(/expected one of "sine", "chirp" for model "wavenet", got "mnist"/);
    expect(errorOf(() => parseTrainConfig({ model: 'dcgan', dataset: 'image-folder', out: 'r' })).message).toBe(
      'config.dataDir (--data-dir): expected a folder of PNG/JPEG images for dataset "image-folder", got undefined',
    );
    expect(errorOf(() => parseTrainConfig({ model: 'dcgan', dataset: 'image-folder', dataDir: 'x', channels: 2, out: 'r' })).message).toBe(
      'config.channels (--channels): expected 1 (grey) or 3 (RGB), got 2',
    );
    expect(errorOf(() => parseTrainConfig({ model: 'dcgan', dataset: 'image-folder', dataDir: 'x', imageSize: 36, out: 'r' })).message).toBe(
      'config.imageSize (--image-size): expected a side of b * 2^k with b in 3..7 and k >= 1 (e.g. 8, 28, 32, 64), got 36',
    );
    expect(parseTrainConfig({ model: 'dcgan', dataset: 'image-folder', dataDir: 'x', imageSize: '56', out: 'r' }).imageSize).toBe(56);
    expect(errorOf(() => parseTrainConfig({ model: 'dcgan', dataset: 'mnist', imageSize: 32, out: 'r' })).message).toMatch(/^config\.imageSize \(--image-size\): expected left out \(it applies to dataset "image-folder" only\), got 32/);
    expect(errorOf(() => parseTrainConfig({ model: 'dcgan', dataset: 'mnist', sampleRate: 8000, out: 'r' })).message).toMatch(/^config\.sampleRate \(--sample-rate\): expected left out \(it applies to model "wavenet" only\)/);
    expect(errorOf(() => parseTrainConfig({ model: 'mlp-gan', dataset: 'ring', imageLimit: 10, out: 'r' })).argument).toBe('config.imageLimit (--image-limit)');
    const ganField = errorOf(() => parseTrainConfig({ model: 'pixelcnn', dataset: 'mnist', loss: 'hinge', out: 'r' }));
    expect(ganField.message).toBe('config.loss (--loss): expected left out for model "pixelcnn" (GAN models only), got "hinge"');
    expect(errorOf(() => parseTrainConfig({ model: 'wavenet', dataset: 'sine', discriminatorSteps: 3, out: 'r' })).argument).toBe('config.discriminatorSteps (--discriminator-steps)');
  });

  it('maps field names to flags', () => {
    expect(flagName('batchSize')).toBe('--batch-size');
    expect(flagName('discriminatorSteps')).toBe('--discriminator-steps');
  });
});

describe('config files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-config-'));

  it('reads JSON and YAML; flags override file fields', () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'model: mlp-gan\ndataset: grid\nsteps: 50\nttur: [0.0001, 0.0004]\n');
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ model: 'vae', dataset: 'mnist', out: 'r' }));
    const yaml = readConfigFile(path.join(dir, 'a.yaml'));
    expect(yaml).toEqual({ model: 'mlp-gan', dataset: 'grid', steps: 50, ttur: [0.0001, 0.0004] });
    const merged = parseTrainConfig(mergeConfig(yaml, { out: 'runs/y', steps: '70', seed: undefined }));
    expect(merged.steps).toBe(70);
    expect(merged.dataset).toBe('grid');
    expect(merged.ttur).toEqual([1e-4, 4e-4]);
    expect(readConfigFile(path.join(dir, 'a.json')).model).toBe('vae');
  });

  it('rejects missing, malformed and non-mapping files with the file named', () => {
    expect(() => readConfigFile(path.join(dir, 'none.json'))).toThrow(/--config .*none\.json: expected a readable JSON or YAML file, got "no such file"/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"model": "vae",');
    expect(() => readConfigFile(path.join(dir, 'bad.json'))).toThrow(/bad\.json: expected valid JSON/);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'model: [unclosed\n');
    expect(() => readConfigFile(path.join(dir, 'bad.yaml'))).toThrow(/bad\.yaml: expected valid YAML/);
    fs.writeFileSync(path.join(dir, 'list.yaml'), '- 1\n- 2\n');
    expect(() => readConfigFile(path.join(dir, 'list.yaml'))).toThrow(/list\.yaml: expected a mapping of config fields/);
  });
});
