import * as tf from '@tensorflow/tfjs-core';
import { registerCpuKernelFixes } from './cpu-kernel-fixes';
import { ArgumentError, BackendError } from './errors';
import { registerSecondOrderGradients } from './second-order-gradients';
import { registerWasmTrainingKernels } from './wasm-kernels';

/** Backends {@link initBackend} knows how to load. */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
/** A backend name {@link initBackend} accepts. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Where the code runs; it decides which backends exist and their order. */
export type Platform = 'node' | 'browser';

/** Fastest first, per platform (Node: native TensorFlow, then wasm+SIMD, then WebGPU through Dawn, then pure JS). */
export const BACKEND_ORDER: Readonly<Record<Platform, readonly BackendName[]>> = {
  node: ['tensorflow', 'wasm', 'webgpu', 'cpu'],
  browser: ['webgpu', 'webgl', 'wasm', 'cpu'],
};

/** One attempt made by {@link initBackend}. */
export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it could not be used (absent when `ok`). */
  error?: string;
}

/** What {@link initBackend} chose and why. */
export interface BackendReport {
  /** The active tfjs backend now. */
  name: BackendName;
  platform: Platform;
  /** One sentence: requested, or the first working one in the platform's order. */
  reason: string;
  /** Every backend tried, in order. */
  tried: BackendAttempt[];
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Backend(s) to use, in order of preference. Without `allowFallback`, if none works this throws
   * a {@link BackendError}; omitted: the platform's {@link BACKEND_ORDER}.
   */
  prefer?: BackendName | readonly BackendName[];
  /** After the preferred ones fail, continue with the rest of the platform's order (default false). */
  allowFallback?: boolean;
  /**
   * How to load each backend package. Defaults to a dynamic `import()` of the package name
   * (`@tensorflow/tfjs-node`, `@tensorflow/tfjs-backend-wasm`, ...). Browser apps built with a
   * bundler pass loaders like `{ wasm: () => import('@tensorflow/tfjs-backend-wasm') }`.
   */
  loaders?: Partial<Record<BackendName, () => Promise<unknown>>>;
  /** Where the wasm backend finds its `.wasm` files (browsers; Node finds them in the package). */
  wasmPaths?: string;
  /** Override platform detection (tests). */
  platform?: Platform;
}

/** The platform this code runs on. */
export function detectPlatform(): Platform {
  const g = globalThis as { process?: { versions?: { node?: string } }; window?: unknown; document?: unknown };
  return g.process?.versions?.node !== undefined && g.window === undefined ? 'node' : 'browser';
}

const PACKAGES: Record<BackendName, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  webgl: '@tensorflow/tfjs-backend-webgl',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

// A variable specifier keeps bundlers from resolving optional packages at build time.
const importOptional = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Makes `navigator.gpu` available in Node through the `webgpu` npm package (Dawn) and checks for an adapter. */
async function prepareNodeWebGpu(): Promise<void> {
  let webgpu: { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
  try {
    webgpu = (await importOptional('webgpu')) as typeof webgpu;
  } catch (error) {
    throw new Error(`the "webgpu" package (Dawn for Node) could not be imported: ${message(error)}`);
  }
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu === undefined) {
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create([]);
    if (g.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  const adapter = await (g.navigator!.gpu as { requestAdapter: () => Promise<unknown> }).requestAdapter();
  if (adapter === null || adapter === undefined) throw new Error('no WebGPU adapter (no GPU, or a Vulkan driver too old)');
}

/** Runs a tiny conv and its filter gradient (the kernel wasm lacks) and checks the numbers. */
function probe(): void {
  const [forward, gradient] = tf.tidy(() => {
    const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1]);
    const filter = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
    const y = tf.sum(tf.conv2d(x, filter, 2, 'valid'));
    const g = tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 2, 'valid')))(filter);
    return [y.dataSync()[0], Array.from(g.dataSync())] as const;
  });
  // Four 2x2 windows of 1..16 cover every value once: sum 136; dL/df = window-corner sums.
  const expected = [24, 28, 40, 44];
  if (forward !== 136 || gradient.some((v, i) => Math.abs(v - expected[i]!) > 1e-4)) {
    throw new Error(`probe computed wrong values: sum ${forward} (expected 136), filter gradient [${gradient.join(', ')}] (expected [${expected.join(', ')}])`);
  }
}

async function tryBackend(name: BackendName, platform: Platform, options: InitBackendOptions): Promise<void> {
  if (name === 'tensorflow' && platform !== 'node') throw new Error('tfjs-node runs only in Node');
  if (name === 'webgl' && platform === 'node') throw new Error('WebGL needs a browser');
  if (tf.findBackendFactory(name) === null) {
    if (name === 'webgpu' && platform === 'node') await prepareNodeWebGpu();
    const load = options.loaders?.[name] ?? (() => importOptional(PACKAGES[name]));
    try {
      await load();
    } catch (error) {
      throw new Error(`${PACKAGES[name]} could not be imported (${message(error)}); install it to use this backend`);
    }
    if (tf.findBackendFactory(name) === null) throw new Error(`${PACKAGES[name]} loaded but registered no '${name}' backend`);
  }
  if (name === 'wasm') {
    if (options.wasmPaths !== undefined) {
      const wasm = (options.loaders?.wasm ? await options.loaders.wasm() : await importOptional(PACKAGES.wasm)) as { setWasmPaths?: (path: string) => void };
      wasm.setWasmPaths?.(options.wasmPaths);
    }
    registerWasmTrainingKernels();
  }
  if (name === 'cpu') registerCpuKernelFixes();
  let ready = false;
  try {
    ready = await tf.setBackend(name);
  } catch (error) {
    throw new Error(`initialization failed: ${message(error)}`);
  }
  if (!ready || tf.getBackend() !== name) throw new Error('initialization failed (tf.setBackend returned false)');
  await tf.ready();
  probe();
}

/**
 * Picks, initializes and verifies the fastest working tfjs backend, and says why. Node order:
 * `tensorflow` (only if the user installed `@tensorflow/tfjs-node`), `wasm` (with
 * {@link registerWasmTrainingKernels}), `webgpu` (through the `webgpu` package, when an adapter
 * exists), `cpu`. Browser order: `webgpu`, `webgl`, `wasm`, `cpu`. Each candidate must run a
 * tiny conv and its gradient correctly before it is chosen.
 *
 * An explicitly preferred backend that cannot be used is a {@link BackendError} naming it and
 * the reason, unless `allowFallback` is set.
 *
 * Example:
 * ```ts
 * const { name, reason } = await initBackend();              // fastest available
 * await initBackend({ prefer: 'wasm' });                      // wasm or a BackendError
 * await initBackend({ prefer: 'tensorflow', allowFallback: true });
 * ```
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendReport> {
  const platform = options.platform ?? detectPlatform();
  if (platform !== 'node' && platform !== 'browser') throw new ArgumentError('options.platform', '"node" or "browser"', platform);
  const preferred = options.prefer === undefined ? [] : typeof options.prefer === 'string' ? [options.prefer] : [...options.prefer];
  for (const name of preferred) {
    if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
      throw new ArgumentError('options.prefer', `backend names from ${BACKEND_NAMES.map((n) => JSON.stringify(n)).join(', ')}`, options.prefer);
    }
  }
  if (options.prefer !== undefined && preferred.length === 0) throw new ArgumentError('options.prefer', 'at least one backend name', options.prefer);
  registerSecondOrderGradients();
  const order = BACKEND_ORDER[platform];
  const explicit = preferred.length > 0;
  const candidates = explicit ? (options.allowFallback ? [...preferred, ...order.filter((n) => !preferred.includes(n))] : preferred) : [...order];
  const tried: BackendAttempt[] = [];
  for (const name of candidates) {
    try {
      await tryBackend(name, platform, options);
      tried.push({ name, ok: true });
      const failed = tried.filter((t) => !t.ok).map((t) => t.name);
      const skipped = failed.length > 0 ? ` (${failed.join(', ')} unavailable)` : '';
      const reason = explicit && preferred.includes(name)
        ? `requested${preferred.length > 1 ? ` (preference ${preferred.indexOf(name) + 1} of ${preferred.length})` : ''}${skipped}`
        : `first working backend in the ${platform} order ${order.join(' > ')}${skipped}`;
      return { name, platform, reason, tried };
    } catch (error) {
      tried.push({ name, ok: false, error: message(error) });
    }
  }
  const details = tried.map((t) => `${t.name}: ${t.error}`).join('; ');
  if (explicit) {
    throw new BackendError('options.prefer', `a backend that works here${options.allowFallback ? ' (or any fallback)' : ''}`, options.prefer, details);
  }
  throw new BackendError('backend', `one of ${order.join(', ')} to work on ${platform}`, 'none worked', details);
}
