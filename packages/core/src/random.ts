import { ArgumentError, expectInteger } from './errors';

/** Serializable generator state: four unsigned 32-bit words. */
export type RngState = readonly [number, number, number, number];

/**
 * A small, fast, seedable generator (sfc32) whose whole state is four 32-bit
 * words, so checkpoints can store it and a resumed run draws the same numbers.
 * One seed drives a whole run: weight init, latent draws, shuffling and
 * interpolation weights all come from forks of one root generator.
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spareNormal: number | null = null;

  constructor(seed: number | string = 0) {
    const words = typeof seed === 'string' ? hashString(seed) : splitSeed(seed);
    [this.a, this.b, this.c, this.d] = words;
    // Warm up so that nearby seeds give unrelated streams.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** A generator restored from a saved state. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal (Box-Muller), times `std` plus `mean`. */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    expectInteger(n, 'n', 1);
    return Math.floor(this.next() * n);
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[] | Int32Array | Uint32Array | Float32Array): typeof items {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp as never;
    }
    return items;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order) as Int32Array;
  }

  /** Fills a new Float32Array with standard normals. */
  normalArray(length: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Fills a new Float32Array with uniforms in [low, high). */
  uniformArray(length: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /**
   * An integer seed for tfjs ops that take one (`tf.randomNormal(shape, 0, 1, 'float32', seed)`),
   * so tfjs' own sampling is reproducible too.
   */
  tfSeed(): number {
    return this.nextUint32() % 2147483647;
  }

  /** An independent child generator; `label` makes forks for different purposes differ. */
  fork(label = ''): Rng {
    const child = new Rng(0);
    const salt = hashString(label);
    child.setState([
      (this.nextUint32() ^ salt[0]) >>> 0,
      (this.nextUint32() ^ salt[1]) >>> 0,
      (this.nextUint32() ^ salt[2]) >>> 0,
      (this.nextUint32() ^ salt[3]) >>> 0,
    ]);
    for (let i = 0; i < 15; i++) child.nextUint32();
    return child;
  }

  /** The whole state, for checkpoints. A cached spare normal is dropped by design: draws stay reproducible because `setState` drops it too. */
  getState(): RngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** Restores a state from {@link getState}. */
  setState(state: RngState): void {
    if (!Array.isArray(state) || state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new ArgumentError('state', 'four unsigned 32-bit integers', state);
    }
    [this.a, this.b, this.c, this.d] = state.map((w) => w | 0) as [number, number, number, number];
    this.spareNormal = null;
  }
}

function splitSeed(seed: number): [number, number, number, number] {
  if (!Number.isFinite(seed)) throw new ArgumentError('seed', 'a finite number or a string', seed);
  const low = Math.floor(Math.abs(seed)) >>> 0;
  const high = Math.floor(Math.abs(seed) / 4294967296) >>> 0;
  return [0x9e3779b9 ^ low, 0x243f6a88 ^ high, 0xb7e15162 ^ (seed < 0 ? 1 : 0), low ^ 0x85a308d3];
}

function hashString(text: string): [number, number, number, number] {
  // cyrb128: four 32-bit words from a string.
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

/**
 * Runs `build` with `Math.random` drawing from `rng`, then restores it. tfjs-layers
 * initializers without an explicit seed call `Math.random`, so building a model
 * inside this makes its initial weights a function of the seed.
 */
export function withSeededRandom<T>(rng: Rng, build: () => T): T {
  const original = Math.random;
  Math.random = () => rng.next();
  try {
    const result = build();
    if (result && typeof (result as { then?: unknown }).then === 'function') {
      throw new ArgumentError('build', 'a synchronous function', 'a function returning a promise');
    }
    return result;
  } finally {
    Math.random = original;
  }
}
