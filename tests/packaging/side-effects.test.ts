// A web page that imports one loss must not ship the rest of tfgen. Vite (Rollup) builds tiny
// pages in production mode against the built packages (their `exports` and `sideEffects`
// fields, exactly as an app that installed them sees), and the bundles are searched for
// strings only the other packages contain.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from './pack';

/** Strings that appear in one package's built code and nowhere else (error texts, layer class names). */
const markers = {
  datasets: ['not an IDX file (gzipped? decompress it first)', 'an IDX magic number starting with two zero bytes'],
  architectures: ['TfgenModulatedConv2D', 'TfgenConditionalBatchNorm', 'ConditionalBatchNorm momentum'],
  strategies: ['SpectralNormalization', 'MinibatchDiscrimination'],
  explicit: ['MaskedConv2D'],
} as const;

const run = promisify(execFile);
let workDirectory = '';

beforeAll(async () => {
  await ensureBuilt(['core', 'losses', 'strategies', 'architectures', 'explicit', 'datasets']);
  // Inside tests/ so that the page resolves @tfgen/* through tests/node_modules (workspace links).
  mkdirSync(join(repoRoot, 'tests', '.tmp'), { recursive: true });
  workDirectory = mkdtempSync(join(repoRoot, 'tests', '.tmp', 'bundle-'));
}, 600_000);

afterAll(() => {
  if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
});

/**
 * Builds a one-script page with Vite in production mode and returns the emitted JavaScript.
 * The build runs in a child process: Rollup's long synchronous stretches would otherwise stall
 * this worker past vitest's 60 s RPC timeout on a loaded machine.
 */
async function bundle(name: string, script: string): Promise<string> {
  const root = join(workDirectory, name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>\n');
  writeFileSync(join(root, 'main.js'), script);
  const options = {
    root,
    mode: 'production',
    logLevel: 'silent',
    configFile: false,
    build: { outDir: join(root, 'dist'), emptyOutDir: true, minify: true, reportCompressedSize: false, chunkSizeWarningLimit: 1e9 },
  };
  writeFileSync(join(root, 'build.mjs'), `import { build } from 'vite';\nawait build(${JSON.stringify(options)});\n`);
  await run('node', [join(root, 'build.mjs')], { cwd: root, maxBuffer: 64 << 20 });
  const assets = join(root, 'dist', 'assets');
  return readdirSync(assets)
    .filter((file) => file.endsWith('.js'))
    .map((file) => readFileSync(join(assets, file), 'utf8'))
    .join('\n');
}

describe('tree-shaking of the published packages (Vite production build)', () => {
  it('markers are real: a page importing datasets and architectures contains them', async () => {
    const code = await bundle(
      'everything',
      [
        `import { parseIdx } from '@tfgen/datasets';`,
        `import { ModulatedConv2D } from '@tfgen/architectures';`,
        `window.parsed = [parseIdx, ModulatedConv2D];`,
      ].join('\n'),
    );
    for (const marker of [...markers.datasets, ...markers.architectures]) expect(code, marker).toContain(marker);
  }, 300_000);

  it('a page importing only hinge pulls in neither datasets, architectures, strategies nor explicit', async () => {
    const code = await bundle(
      'hinge',
      [
        `import * as tf from '@tensorflow/tfjs-core';`,
        `import { hinge } from '@tfgen/losses';`,
        `window.loss = hinge.discriminator(tf.tensor1d([1, -1]), tf.tensor1d([0.5, 2]));`,
      ].join('\n'),
    );
    expect(code.length).toBeGreaterThan(1000);
    for (const [pkg, strings] of Object.entries(markers)) {
      for (const marker of strings) expect(code.includes(marker), `${pkg}: ${marker}`).toBe(false);
    }
  }, 300_000);
});
