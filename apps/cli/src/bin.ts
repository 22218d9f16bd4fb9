#!/usr/bin/env node
import { register } from 'node:module';

// Some @tfgen packages import `@tensorflow/tfjs-core/dist/register_all_gradients` to make sure
// gradients exist. Bundlers resolve that ES-module subpath; Node's ESM loader cannot (no file
// extension, directory imports inside). tfjs-layers registers the same gradients from its Node
// build, so point the subpath there. Installed before anything imports tfjs.
const hook = `export async function resolve(specifier, context, next) {
  if (specifier === '@tensorflow/tfjs-core/dist/register_all_gradients') return next('@tensorflow/tfjs-layers', context);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

// tfjs prints a hint about tfjs-node on first use; it cannot be installed here (see DESIGN.md), so hush it.
const log = console.log;
console.log = (...args: unknown[]) => {
  const first = args[0];
  if (typeof first === 'string' && (first.includes('tfjs-node') || /^\s*=+\s*$/.test(first))) return;
  log(...args);
};

const { runCli } = await import('./program');
process.exitCode = await runCli(process.argv);
