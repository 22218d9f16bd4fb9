import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from '@tfgen/core';

/**
 * The directory of an installed npm package (resolved from this package, so the
 * data packages that are our dependencies are found wherever pnpm/npm put them).
 */
export function packageDirectory(name: string): string {
  // tsup's shims turn import.meta.url into the file URL in the CommonJS build too.
  const resolver = createRequire(import.meta.url);
  try {
    return dirname(resolver.resolve(`${name}/package.json`));
  } catch (error) {
    throw new DataError(name, `the npm package ${name} to be installed`, 'not found', (error as Error).message);
  }
}

/** A file inside an installed npm package. */
export function packageFile(name: string, ...parts: string[]): string {
  return join(packageDirectory(name), ...parts);
}
