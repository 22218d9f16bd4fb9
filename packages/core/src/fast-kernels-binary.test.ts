import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAST_KERNELS_SOURCE_SHA256, FAST_KERNELS_WASM_BASE64 } from './fast-kernels-binary';

const native = (name: string) => new URL(`../native/${name}`, import.meta.url);

describe('the committed fast-kernels binary', () => {
  it('was built from the committed native/kernels.c (run node native/build.mjs after editing it)', () => {
    const sha = createHash('sha256').update(readFileSync(native('kernels.c'))).digest('hex');
    expect(FAST_KERNELS_SOURCE_SHA256).toBe(sha);
  });

  it('embeds exactly native/kernels.wasm, a valid module that exports run_tasks', () => {
    const embedded = Buffer.from(FAST_KERNELS_WASM_BASE64, 'base64');
    expect(embedded.equals(readFileSync(native('kernels.wasm')))).toBe(true);
    const module = new WebAssembly.Module(embedded);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('run_tasks');
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  });
});
