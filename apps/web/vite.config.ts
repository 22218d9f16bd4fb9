import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../../', import.meta.url));
const source = (name: string, entry = 'index') => `${root}packages/${name}/src/${entry}.ts`;

/**
 * The app imports the tfgen packages by name; these aliases point them at their sources, so
 * the app builds (and sees changes) without prebuilt dists. The worker is an ES module worker.
 */
export default defineConfig({
  base: './',
  resolve: {
    alias: [
      { find: /^@tfgen\/datasets\/browser$/, replacement: source('datasets', 'browser') },
      ...['core', 'losses', 'strategies', 'architectures', 'explicit', 'datasets', 'metrics'].map((name) => ({
        find: new RegExp(`^@tfgen/${name}$`),
        replacement: source(name),
      })),
    ],
  },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000, sourcemap: false },
});
