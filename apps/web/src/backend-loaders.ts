import type { BackendName } from '@tfgen/core';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/**
 * How the workers load each tfjs backend for `initBackend`: bundled dynamic imports (only the
 * chosen backend's code is fetched), and the wasm backend pointed at the `.wasm` files Vite
 * copies into the build, so nothing is fetched from a CDN.
 */
export const loaders: Partial<Record<BackendName, () => Promise<unknown>>> = {
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  webgl: () => import('@tensorflow/tfjs-backend-webgl'),
  wasm: async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const here = globalThis.location.href;
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': new URL(wasmPlainUrl, here).href,
      'tfjs-backend-wasm-simd.wasm': new URL(wasmSimdUrl, here).href,
      'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedUrl, here).href,
    });
    return wasm;
  },
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};
