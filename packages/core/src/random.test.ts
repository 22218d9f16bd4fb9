import { describe, expect, it } from 'vitest';
import { Rng, withSeededRandom } from './random';

describe('Rng', () => {
  it('is reproducible from a seed and from a saved state', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    expect(Array.from({ length: 5 }, () => a.nextUint32())).toEqual(Array.from({ length: 5 }, () => b.nextUint32()));
    const state = a.getState();
    const first = [a.next(), a.normal(), a.int(10)];
    const restored = Rng.fromState(state);
    expect([restored.next(), restored.normal(), restored.int(10)]).toEqual(first);
    expect(new Rng(43).next()).not.toEqual(new Rng(42).next());
  });

  it('draws normals with the right moments and uniform integers', () => {
    const rng = new Rng(7);
    const xs = rng.normalArray(200_000, 2, 3);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(2, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(3, 1);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 40_000; i++) counts[rng.int(4)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('shuffles to a permutation and forks independent streams', () => {
    const rng = new Rng(1);
    const p = Array.from(rng.permutation(100));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const f1 = new Rng(5).fork('data');
    const f2 = new Rng(5).fork('latent');
    expect(f1.next()).not.toEqual(f2.next());
    expect(new Rng(5).fork('data').next()).toEqual(new Rng(5).fork('data').next());
  });

  it('seeds Math.random inside withSeededRandom and restores it', () => {
    const original = Math.random;
    const draw = () => withSeededRandom(new Rng(3), () => [Math.random(), Math.random()]);
    expect(draw()).toEqual(draw());
    expect(Math.random).toBe(original);
    expect(() => new Rng(0).setState([1, 2, 3] as never)).toThrow(/four unsigned 32-bit integers/);
  });
});
