/**
 * One error family for tfgen. Every error names the argument (or field, file,
 * value) at fault, what was expected and what was found, so a user can fix the
 * call without reading the source.
 */
export class TfgenError extends Error {
  /** The argument, option, field or file at fault, e.g. `options.steps` or `real`. */
  readonly argument: string;
  /** What was expected, in words, e.g. `a positive integer` or `shape [64, 28, 28, 1]`. */
  readonly expected: string;
  /** What was found, rendered for humans. */
  readonly actual: string;

  constructor(argument: string, expected: string, actual: unknown, detail?: string) {
    const shown = describeValue(actual);
    super(`${argument}: expected ${expected}, got ${shown}${detail ? ` (${detail})` : ''}`);
    this.name = new.target.name;
    this.argument = argument;
    this.expected = expected;
    this.actual = shown;
  }
}

/** A bad argument or option value passed to a public function. */
export class ArgumentError extends TfgenError {}
/** A tensor with the wrong shape, rank or dtype. */
export class ShapeError extends TfgenError {}
/** A corrupt, truncated or unreadable data file. */
export class DataError extends TfgenError {}
/** A checkpoint that is missing, truncated, corrupt or belongs to another model. */
export class CheckpointError extends TfgenError {}
/** A requested backend that cannot be used here. */
export class BackendError extends TfgenError {}
/** A NaN, Inf or exploding value during training. */
export class DivergenceError extends TfgenError {
  constructor(
    argument: string,
    expected: string,
    actual: unknown,
    /** The training step at which the value appeared. */
    readonly step: number,
    detail?: string,
  ) {
    super(argument, expected, actual, detail ?? `at step ${step}`);
  }
}
/** Tensors left behind by a step or function that should leave none. */
export class TensorLeakError extends TfgenError {}

/** Renders a value for an error message: shapes as `[a, b]`, strings quoted, long values cut. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const text = `[${value.map((v) => (typeof v === 'object' && v !== null ? describeValue(v) : String(v))).join(', ')}]`;
    return text.length > 200 ? `${text.slice(0, 200)}…]` : text;
  }
  if (typeof value === 'object') {
    const maybeTensor = value as { shape?: unknown; dtype?: unknown };
    if (Array.isArray(maybeTensor.shape) && typeof maybeTensor.dtype === 'string') {
      return `tensor of shape ${describeValue(maybeTensor.shape)} and dtype ${maybeTensor.dtype}`;
    }
    try {
      const text = JSON.stringify(value);
      return text.length > 200 ? `${text.slice(0, 200)}…` : text;
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/** Throws an {@link ArgumentError} unless `condition` holds. */
export function expectArgument(condition: boolean, argument: string, expected: string, actual: unknown): asserts condition {
  if (!condition) throw new ArgumentError(argument, expected, actual);
}

/** Checks `value` is an integer in `[min, max]`; returns it. */
export function expectInteger(value: unknown, argument: string, min = -Infinity, max = Infinity): number {
  const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
  if (!ok) {
    const range = Number.isFinite(max) ? `an integer in [${min}, ${max}]` : Number.isFinite(min) ? `an integer >= ${min}` : 'an integer';
    throw new ArgumentError(argument, range, value);
  }
  return value as number;
}

/** Checks `value` is a finite number in `[min, max]` (or `(min, max]` with `exclusiveMin`); returns it. */
export function expectNumber(value: unknown, argument: string, min = -Infinity, max = Infinity, exclusiveMin = false): number {
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (exclusiveMin ? value > min : value >= min) && value <= max;
  if (!ok) {
    const low = Number.isFinite(min) ? `${exclusiveMin ? '>' : '>='} ${min}` : '';
    const high = Number.isFinite(max) ? `<= ${max}` : '';
    throw new ArgumentError(argument, `a finite number${low || high ? ' ' + [low, high].filter(Boolean).join(' and ') : ''}`, value);
  }
  return value as number;
}

/** Checks `value` is one of `allowed`; returns it. */
export function expectOneOf<T extends string>(value: unknown, argument: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ArgumentError(argument, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
  return value as T;
}

/**
 * Checks a tensor's shape. `expected` entries that are `null` match any size.
 * Example: `expectShape(real, 'real', [null, 28, 28, 1])`.
 */
export function expectShape(
  tensor: { shape: readonly number[]; dtype?: string } | undefined | null,
  argument: string,
  expected: readonly (number | null)[],
  dtype?: string,
): void {
  if (!tensor || !Array.isArray(tensor.shape)) throw new ShapeError(argument, 'a tensor', tensor);
  const matches =
    tensor.shape.length === expected.length && expected.every((size, i) => size === null || size === tensor.shape[i]);
  const shownExpected = `shape [${expected.map((s) => (s === null ? '*' : s)).join(', ')}]`;
  if (!matches) throw new ShapeError(argument, shownExpected, tensor.shape);
  if (dtype !== undefined && tensor.dtype !== dtype) throw new ShapeError(argument, `dtype ${dtype}`, tensor.dtype);
}

/** Checks a tensor's rank is within `[minRank, maxRank]`. */
export function expectRank(
  tensor: { shape: readonly number[] } | undefined | null,
  argument: string,
  minRank: number,
  maxRank = minRank,
): void {
  if (!tensor || !Array.isArray(tensor.shape)) throw new ShapeError(argument, 'a tensor', tensor);
  const rank = tensor.shape.length;
  if (rank < minRank || rank > maxRank) {
    const expected = minRank === maxRank ? `rank ${minRank}` : `rank between ${minRank} and ${maxRank}`;
    throw new ShapeError(argument, expected, `rank ${rank} (shape [${tensor.shape.join(', ')}])`);
  }
}
