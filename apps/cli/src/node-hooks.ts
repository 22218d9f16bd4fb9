import { register } from 'node:module';

/**
 * Some @tfgen packages import `@tensorflow/tfjs-core/dist/register_all_gradients(.js)` to make
 * sure gradients exist. Bundlers resolve that ES-module subpath; Node's own ESM loader cannot
 * (its files use directory imports). tfjs-layers registers the same gradients from its Node
 * build, so this resolve hook points the subpath there. Call it before anything imports tfjs
 * (then load the rest with a dynamic `import()`).
 */
export function installTfjsResolveHook(): void {
  const hook = `export async function resolve(specifier, context, next) {
  if (/^@tensorflow\\/tfjs-core\\/dist\\/register_all_gradients(\\.js)?$/.test(specifier)) return next('@tensorflow/tfjs-layers', context);
  return next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
