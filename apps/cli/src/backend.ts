import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core alone registers no gradients; tfjs-layers (imported by the models) does. Make sure.
import '@tensorflow/tfjs-layers';
import * as core from '@tfgen/core';
import { BackendError } from '@tfgen/core';
import type { BackendName } from './config';

/** The backend a command runs on, as printed at start. */
export interface BackendChoice {
  readonly name: string;
  /** How it was chosen, e.g. `requested` or `auto: wasm with conv training kernels`. */
  readonly reason: string;
}

type InitBackend = (options: { prefer?: string | readonly string[] }) => Promise<{ name: string; [key: string]: unknown }>;

/**
 * Picks and initializes the tfjs backend. Uses `initBackend` from @tfgen/core when it exists,
 * else: `wasm` (with @tfgen/core's conv training kernels, so conv nets train) when it loads,
 * falling back to `cpu`. `--backend cpu|wasm` forces one and fails clearly when it cannot load.
 */
export async function selectBackend(requested: BackendName = 'auto'): Promise<BackendChoice> {
  const initBackend = (core as unknown as { initBackend?: InitBackend }).initBackend;
  if (typeof initBackend === 'function') {
    const result = await initBackend(requested === 'auto' ? {} : { prefer: requested });
    if (requested !== 'auto' && result.name !== requested) {
      throw new BackendError('--backend', `backend ${JSON.stringify(requested)} to load`, result.name);
    }
    return { name: result.name, reason: requested === 'auto' ? 'auto (initBackend)' : 'requested' };
  }
  core.registerWasmTrainingKernels();
  const order = requested === 'auto' ? ['wasm', 'cpu'] : [requested];
  for (const name of order) {
    let ok = false;
    try {
      ok = await tf.setBackend(name);
      await tf.ready();
    } catch {
      ok = false;
    }
    if (ok && tf.getBackend() === name) {
      return { name, reason: requested === 'auto' ? (name === 'wasm' ? 'auto: wasm (SIMD) with conv training kernels' : 'auto: fallback') : 'requested' };
    }
  }
  throw new BackendError('--backend', `a backend that loads here (${order.join(' or ')})`, requested);
}
