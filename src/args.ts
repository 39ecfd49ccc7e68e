/**
 * Internal: the helpers every argument check uses, in a module of their own with no side
 * effects, so that the Kaluma entry can share them without pulling in the error classes.
 * Each message is built here once: a string literal is bytecode that stays on the Kaluma heap
 * for as long as the program runs, so the check sites pass names, not sentences.
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
  if (t === 'number' || t === 'boolean' || t === 'undefined') return String(value);
  if (t === 'bigint') return String(value) + 'n';
  if (t === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return (t === 'object' ? 'an ' : 'a ') + t;
}

/**
 * The first check of every public constructor: `self` (its `this`) must be an instance of `C`
 * (compiled to ES5 a class is a plain function, and a call without `new` would write the
 * instance's fields onto whatever `this` is, e.g. a CommonJS module's exports), and it takes at
 * most `most` arguments (`count`, its `arguments.length`). Throws a TypeError naming `what`.
 */
export function construct(self: unknown, C: Function, count: number, most: number, what: string): void {
  if (!(self instanceof C)) throw new TypeError(what + ': a constructor: call it with new');
  if (count > most) throw new TypeError(what + ': takes ' + most + ' argument(s) at most, got ' + count);
}

/** The TypeError for an option `key` that `what` does not take: names it and lists the `known` ones ("a, b"). */
export function unknownOption(what: string, key: string, known: string): TypeError {
  return new TypeError(what + ': unknown option "' + key + '" (the options are ' + known + ')');
}
