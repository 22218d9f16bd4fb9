import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // tfjs-core's gradient registrations exist only in its ESM tree, which Node cannot import
  // directly: bundle that tree (it uses tfjs' global engine and registries, so it shares state
  // with the user's @tensorflow/tfjs-core).
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
});
