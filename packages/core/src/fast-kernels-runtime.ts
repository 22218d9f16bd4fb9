import { FAST_KERNELS_MAX_MEMORY_BYTES, FAST_KERNELS_WASM_BASE64 } from './fast-kernels-binary';

/**
 * The runtime of tfgen's fast wasm kernels (native/kernels.c): one instance on a shared memory,
 * optional worker threads that instantiate the same module on that memory, and job dispatch.
 * A job is a few int32 words (kind, task count, parameters); every thread claims task indices
 * atomically, so a worker that is slow to wake (or never starts) only means the main thread does
 * more of the tasks. Single-threaded when worker threads or shared memory are unavailable.
 */

/** Job kinds, as in kernels.c. */
export const JOB_PACK_B = 1;
export const JOB_GEMM = 2;
export const JOB_IM2COL = 3;
export const JOB_COL2IM = 4;

/** Fused activations the GEMM applies, as in kernels.c. */
export const FAST_ACTIVATIONS = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3 } as const;

// Control words (int32 index from the control block): the dispatch sequence number and stop flag.
const SEQ = 0;
const STOP = 1;
const JOB_POINTER = 2;
// Job header words, as in kernels.c.
const CLAIM = 0;
const COUNT = 1;
const DONE = 2;
const KIND = 3;
const SCRATCH = 4;
const SCRATCH_BYTES = 5;
const PARAMS = 8;
const INVALID_CLAIM = (0xfff << 20) | 0;

const PAGE = 65536;
const MAX_THREADS = 16;

interface Exports {
  run_tasks(job: number, generation: number, thread: number): number;
  block_mr(): number;
  block_nr(): number;
  block_kc(): number;
  __heap_base: WebAssembly.Global;
}

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: string, listener: (...args: unknown[]) => void): void;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const g = globalThis as { Buffer?: { from(s: string, e: string): Uint8Array }; atob?: (s: string) => string };
  if (g.Buffer !== undefined) return new Uint8Array(g.Buffer.from(text, 'base64'));
  const binary = g.atob!(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// The worker: instantiate the module on the shared memory, then wait for jobs and join them.
// Spins briefly before sleeping: kernels come in bursts, and a futex wake costs ~50 us.
// Workers exist only where process.getBuiltinModule does (see nodeWorkerThreads), so the worker uses it too:
// Node modules are looked up at run time, never imported, and browser bundles stay free of them.
const WORKER_SOURCE = `
const { workerData } = process.getBuiltinModule('node:worker_threads');
const { module, memory, control, thread, spins } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const words = new Int32Array(memory.buffer, control, 4);
let seen = Atomics.load(words, ${SEQ});
for (;;) {
  let spin = 0;
  while (Atomics.load(words, ${SEQ}) === seen && spin < spins) spin++;
  if (Atomics.load(words, ${SEQ}) === seen) Atomics.wait(words, ${SEQ}, seen);
  if (Atomics.load(words, ${STOP}) !== 0) break;
  seen = Atomics.load(words, ${SEQ});
  instance.exports.run_tasks(Atomics.load(words, ${JOB_POINTER}), seen & 0x7ff, thread);
}
`;

function nodeWorkerThreads(): { Worker: new (source: string, options: unknown) => NodeWorker } | undefined {
  const g = globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (name: string) => unknown } };
  if (g.process?.versions?.node === undefined || typeof g.process.getBuiltinModule !== 'function') return undefined;
  return g.process.getBuiltinModule('node:worker_threads') as { Worker: new (source: string, options: unknown) => NodeWorker } | undefined;
}

/** How many threads the fast kernels can use here: 1 without Node worker threads. */
export function availableThreads(): number {
  if (nodeWorkerThreads() === undefined) return 1;
  const g = globalThis as { navigator?: { hardwareConcurrency?: number }; process?: { getBuiltinModule?: (name: string) => unknown } };
  const os = g.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
  const cores = os?.availableParallelism?.() ?? os?.cpus?.().length ?? g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(MAX_THREADS, cores));
}

/** Thread count from `TFGEN_WASM_THREADS` (a positive integer), or undefined. */
export function threadsFromEnvironment(): number | undefined {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  const text = g.process?.env?.TFGEN_WASM_THREADS;
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_THREADS) {
    throw new Error(`TFGEN_WASM_THREADS: expected an integer from 1 to ${MAX_THREADS}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** One loaded instance of the kernels with its memory, arena and worker threads. */
export class FastKernelsRuntime {
  readonly mr: number;
  readonly nr: number;
  readonly kc: number;
  /** Rows per GEMM task block at most (a multiple of `mr`). */
  readonly maxBlockRows: number;
  private readonly module: WebAssembly.Module;
  private readonly memory: WebAssembly.Memory;
  private readonly exports: Exports;
  private readonly control: number;
  private readonly job: number;
  private readonly arenaStart: number;
  private arenaTop: number;
  private words: Int32Array;
  private floats: Float32Array;
  private generation = 0;
  private sequence = 0;
  private workers: NodeWorker[] = [];
  /** Tasks of the last job, and how many of them the calling thread ran (the rest: workers). */
  lastJob = { tasks: 0, onCallingThread: 0 };
  private threadCount = 1;

  /** Throws when this platform lacks wasm SIMD, threads' shared memory or the module fails to load. */
  constructor() {
    this.module = new WebAssembly.Module(decodeBase64(FAST_KERNELS_WASM_BASE64));
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: FAST_KERNELS_MAX_MEMORY_BYTES / PAGE, shared: true } as WebAssembly.MemoryDescriptor);
    const instance = new WebAssembly.Instance(this.module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as Exports;
    this.mr = this.exports.block_mr();
    this.nr = this.exports.block_nr();
    this.kc = this.exports.block_kc();
    this.maxBlockRows = this.mr * 16;
    const heapBase = Number(this.exports.__heap_base.value);
    this.control = align(heapBase, 64);
    this.job = this.control + 64;
    const scratchBytes = this.scratchBytes();
    this.arenaStart = align(this.job + 256 + scratchBytes * MAX_THREADS, 64);
    this.arenaTop = this.arenaStart;
    this.words = new Int32Array(this.memory.buffer);
    this.floats = new Float32Array(this.memory.buffer);
    this.ensure(this.arenaStart);
  }

  /** Bytes of scratch per thread: an edge tile and a packed A block. */
  private scratchBytes(): number {
    return align((this.mr * this.nr + this.maxBlockRows * this.kc) * 4, 64);
  }

  /** Threads in use (the main thread included). */
  get threads(): number {
    return this.threadCount;
  }

  /** Starts or stops worker threads so that `threads` threads (main included) work. */
  setThreads(threads: number): void {
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw new RangeError(`threads: expected an integer from 1 to ${MAX_THREADS}, got ${threads}`);
    if (threads === this.threadCount) return;
    this.stopWorkers();
    if (threads === 1) return;
    const workerThreads = nodeWorkerThreads();
    if (workerThreads === undefined) return; // no workers here: stay single-threaded
    Atomics.store(this.words, this.control / 4 + STOP, 0);
    for (let thread = 1; thread < threads; thread++) {
      const worker = new workerThreads.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, control: this.control, thread, spins: 2000 },
      });
      worker.unref(); // never keep the process alive
      worker.on('error', () => undefined); // a dead worker only means fewer helpers
      this.workers.push(worker);
    }
    this.threadCount = threads;
  }

  /** Stops the worker threads (the kernels keep working on the main thread). */
  stopWorkers(): void {
    if (this.workers.length > 0) {
      Atomics.store(this.words, this.control / 4 + STOP, 1);
      Atomics.add(this.words, this.control / 4 + SEQ, 1);
      Atomics.notify(this.words, this.control / 4 + SEQ);
      for (const worker of this.workers) void worker.terminate();
      this.workers = [];
    }
    this.threadCount = 1;
  }

  /** Frees every arena allocation (call at the end of each kernel). */
  reset(): void {
    this.arenaTop = this.arenaStart;
  }

  /** Reserves `count` floats (64-byte aligned) in the arena; returns the byte offset. */
  alloc(count: number): number {
    const offset = this.arenaTop;
    this.arenaTop = align(offset + count * 4, 64);
    this.ensure(this.arenaTop);
    return offset;
  }

  /** Copies values into a fresh arena allocation; returns its byte offset. */
  put(values: Float32Array): number {
    const offset = this.alloc(values.length);
    this.floats.set(values, offset / 4);
    return offset;
  }

  /** A view of `count` floats at byte `offset` (valid until the memory grows). */
  view(offset: number, count: number): Float32Array {
    return this.floats.subarray(offset / 4, offset / 4 + count);
  }

  private ensure(bytes: number): void {
    if (bytes > FAST_KERNELS_MAX_MEMORY_BYTES) throw new RangeError(`fast wasm kernels: ${bytes} bytes needed, at most ${FAST_KERNELS_MAX_MEMORY_BYTES} available`);
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    // Grow geometrically so that a growing workload does not grow page by page.
    const want = Math.min(FAST_KERNELS_MAX_MEMORY_BYTES, Math.max(bytes, have * 1.5));
    this.memory.grow(Math.ceil((want - have) / PAGE));
    this.words = new Int32Array(this.memory.buffer);
    this.floats = new Float32Array(this.memory.buffer);
  }

  /**
   * Runs a job of `count` tasks and returns when all are done: on every thread when `parallel`,
   * else on the calling thread only (waking a worker costs more than a small job).
   */
  run(kind: number, count: number, params: readonly number[], floatParams: Readonly<Record<number, number>> = {}, parallel = true): void {
    if (count <= 0) return;
    if (count > 0xfffff) throw new RangeError(`fast wasm kernels: ${count} tasks in one job (at most ${0xfffff})`);
    const words = this.words;
    const job = this.job / 4;
    Atomics.store(words, job + CLAIM, INVALID_CLAIM);
    words[job + COUNT] = count;
    words[job + DONE] = 0;
    words[job + KIND] = kind;
    words[job + SCRATCH] = this.job + 256;
    words[job + SCRATCH_BYTES] = this.scratchBytes();
    for (let i = 0; i < params.length; i++) words[job + PARAMS + i] = params[i]!;
    for (const [index, value] of Object.entries(floatParams)) this.floats[job + PARAMS + Number(index)] = value;
    this.generation = (this.generation + 1) & 0x7ff;
    Atomics.store(words, job + CLAIM, this.generation << 20);
    const control = this.control / 4;
    if (parallel && this.workers.length > 0 && count > 1) {
      Atomics.store(words, control + JOB_POINTER, this.job);
      // The low 11 bits of the sequence are the generation the workers claim with; the rest counts.
      this.sequence = ((((this.sequence >>> 11) + 1) & 0xfffff) << 11) | this.generation;
      Atomics.store(words, control + SEQ, this.sequence);
      Atomics.notify(words, control + SEQ);
    }
    this.lastJob = { tasks: count, onCallingThread: this.exports.run_tasks(this.job, this.generation, 0) };
    // A worker is finishing a task it claimed: spin briefly, then sleep until its last task
    // notifies (a busy machine may deschedule the worker for milliseconds).
    let spin = 0;
    for (let done = Atomics.load(words, job + DONE); done < count; done = Atomics.load(words, job + DONE)) {
      if (++spin > 2000) Atomics.wait(words, job + DONE, done, 1);
    }
  }
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}
