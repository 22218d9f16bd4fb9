import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core alone registers no gradients; tfjs-layers (imported by the models) does. Make sure.
import '@tensorflow/tfjs-layers';
import { initBackend } from '@tfgen/core';
import type { BackendName } from './config';

/** The backend a command runs on, as printed at start. */
export interface BackendChoice {
  readonly name: string;
  /** Why it was chosen (from @tfgen/core's `initBackend`), e.g. `requested` or the first that works. */
  readonly reason: string;
}

/**
 * Picks and initializes the tfjs backend with @tfgen/core's `initBackend`: `auto` takes the
 * fastest that works here (tfjs-node if installed, else wasm+SIMD with the conv training
 * kernels, ..., cpu); `--backend cpu|wasm` forces one and fails with a BackendError naming it
 * when it cannot load.
 */
export async function selectBackend(requested: BackendName = 'auto'): Promise<BackendChoice> {
  const report = await initBackend(requested === 'auto' ? {} : { prefer: requested });
  return { name: report.name, reason: report.reason };
}
