/**
 * Internal: the two helpers every argument check uses, in a module of their own with no side
 * effects, so that the Kaluma entry can share them without pulling in the error classes.
 */

/**
 * `RangeError` where the engine has it. Espruino has none: there it is a TypeError named (and
 * printed as) `RangeError`, so `e.name === 'RangeError'` holds on every engine.
 */
export const RangeErr: ErrorConstructor =
  typeof RangeError === 'function'
    ? RangeError
    : (function (message: string) {
        const e: any = new TypeError(message);
        e.name = e.type = 'RangeError'; // Espruino prints an error's `type`; its `name` is undefined
        return e;
      } as any);

/** A short, allocation-light description of a bad argument for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  const t = typeof value;
  if (t === 'string') return 'the string "' + value + '"';
  if (t === 'number' || t === 'boolean' || t === 'undefined' || t === 'bigint') return String(value);
  if (t === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return (t === 'object' ? 'an ' : 'a ') + t;
}
