// Lets Node's ESM loader run tfjs-core's ESM tree (`@tensorflow/tfjs-core/dist/register_all_gradients`,
// which @tfgen/core and @tfgen/losses import from source): tfjs' ESM files use directory and
// extensionless imports, which Node rejects. Retries them as `<dir>/index.js` and `<file>.js`.
// Used only by the experiment scripts: node --import ./scripts/esm-dir-imports.mjs ...
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error && error.code === 'ERR_UNSUPPORTED_DIR_IMPORT') {
      try {
        return await next(specifier + '.js', context);
      } catch {
        return next(specifier + '/index.js', context);
      }
    }
    if (error && error.code === 'ERR_MODULE_NOT_FOUND' && specifier.startsWith('.') && !specifier.endsWith('.js')) {
      return next(specifier + '.js', context);
    }
    throw error;
  }
}`;
register('data:text/javascript,' + encodeURIComponent(hook), import.meta.url);
