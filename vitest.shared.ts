import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const pkg = (name: string, entry = 'index') => `${root}packages/${name}/src/${entry}.ts`;

/**
 * Tests resolve @tfgen/* to sources, so a change in one package is seen by the
 * others' tests without a rebuild. Subpath entries come before the bare names.
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tfgen\/datasets\/node$/, replacement: pkg('datasets', 'node') },
      { find: /^@tfgen\/datasets\/browser$/, replacement: pkg('datasets', 'browser') },
      { find: /^@tfgen\/core\/node$/, replacement: pkg('core', 'node') },
      { find: /^@tfgen\/metrics\/node$/, replacement: pkg('metrics', 'node') },
      ...['core', 'losses', 'strategies', 'architectures', 'explicit', 'datasets', 'metrics'].map((name) => ({
        find: new RegExp(`^@tfgen/${name}$`),
        replacement: pkg(name),
      })),
    ],
  },
  test: {
    setupFiles: [`${root}vitest.setup.ts`],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
