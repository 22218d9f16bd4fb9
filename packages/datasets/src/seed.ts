import { ArgumentError, Rng, type JsonValue } from '@tfgen/core';

/** A seed for a dataset: a number, a string, or an {@link Rng} to draw one from. */
export type SeedLike = number | string | Rng;

/**
 * Turns a {@link SeedLike} into a JSON-storable seed. An `Rng` gives one 32-bit draw,
 * so a run's root generator can drive its datasets reproducibly.
 */
export function toSeed(seed: SeedLike | undefined, argument = 'seed'): number | string {
  if (seed === undefined) return 0;
  if (seed instanceof Rng) return seed.nextUint32();
  if (typeof seed === 'number' && Number.isFinite(seed)) return seed;
  if (typeof seed === 'string') return seed;
  throw new ArgumentError(argument, 'a finite number, a string or an Rng', seed);
}

/** Turns a {@link SeedLike} into a generator (an `Rng` is used as is). */
export function toRng(seed: SeedLike | undefined, argument = 'seed'): Rng {
  if (seed instanceof Rng) return seed;
  return new Rng(toSeed(seed, argument));
}

/** Reads an object-shaped iterator state, or throws naming what is wrong. */
export function readState(state: JsonValue, kind: string): Record<string, JsonValue> {
  if (state === null || typeof state !== 'object' || Array.isArray(state) || state.kind !== kind) {
    throw new ArgumentError('state', `a state object of kind ${JSON.stringify(kind)} from getState()`, state);
  }
  return state;
}

/** Checks a field of a saved state equals the iterator's own value (same dataset, same options). */
export function expectSameField(state: Record<string, JsonValue>, field: string, actual: JsonValue): void {
  if (state[field] !== actual) {
    throw new ArgumentError(`state.${field}`, `${JSON.stringify(actual)} (this iterator's value)`, state[field], 'the state belongs to another dataset or options');
  }
}
