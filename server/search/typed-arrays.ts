// Typed arrays that grow with the index: the index keeps one slot per document in many parallel arrays.

type Grown = Uint8Array | Uint16Array | Int32Array | Float32Array | Float64Array;

/** A copy of `old` with room for `size` items (zeros past the old ones; cut when smaller), of the same type. */
export function resized<T extends Grown>(old: T, size: number): T {
  const next = new (old.constructor as new (n: number) => T)(size);
  next.set(old.subarray(0, Math.min(old.length, size)));
  return next;
}
