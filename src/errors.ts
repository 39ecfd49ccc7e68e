/**
 * The library's error classes.
 *
 * They are built the ES5 way (a constructor function whose prototype inherits from
 * `Error.prototype`) rather than with `class X extends Error`: compiled to ES5, a derived
 * class loses its prototype (so `instanceof` is false) and needs TypeScript's `__extends`
 * helper, which fails on engines without hoisting (Espruino). Built this way, every class
 * below works with `instanceof`, has a `name` and a `message`, and costs nothing until thrown.
 */

/** An error class of this library: `new X(message)`; `e instanceof X`; `e.name === 'X'`. */
export interface ErrorClass<E extends Error = Error> {
  new (message?: string): E;
  readonly prototype: E;
}

/** Thrown by `putSync()` when no slot is free (MicroPython raises `IndexError`). */
export interface QueueFull extends Error {}
/** Thrown by `getSync()` when no item is queued (MicroPython raises `IndexError`). */
export interface QueueEmpty extends Error {}
/** Thrown by `putSync()`/`put()` after `close()`, and by `get()`/`getSync()` once a closed queue is drained. */
export interface QueueClosed extends Error {}
/** Rejects a `wait()`/`get()`/`put()` whose `signal` aborted; `reason` is the signal's reason. */
export interface AbortError extends Error {
  reason?: unknown;
}
/** Rejects a `wait()`/`get()`/`put()` whose `timeout` (ms) ran out first. */
export interface TimeoutError extends Error {}
/** Rejects a second concurrent `ThreadSafeFlag.wait()`: a flag has one waiter, use ThreadSafeEvent for many. */
export interface FlagInUse extends Error {}

/** V8's `Error.captureStackTrace` (Node); absent on Kaluma and Espruino. */
const captureStackTrace: ((target: object, constructorOpt?: Function) => void) | undefined = (Error as any).captureStackTrace;

/**
 * The prototype every class below inherits: `Error.prototype` and a toString giving
 * "QueueFull: message" (Espruino prints an object not made by `Error` as [object Object]
 * unless it has its own toString). One for all classes: a property costs heap on Kaluma.
 */
const base = Object.create(Error.prototype);
base.toString = function (this: Error): string {
  return this.name + ': ' + this.message;
};

function defineError<E extends Error>(name: string): ErrorClass<E> {
  // A named function per class so that `instanceof` tells them apart.
  function ThreadSafeError(this: any, message?: string): any {
    if (!(this instanceof ThreadSafeError)) return new (ThreadSafeError as any)(message);
    const self: any = this; // after the instanceof check the checker narrows `this` to {}
    self.message = message === undefined ? name : String(message);
    // Only on the error path. V8 (Node): a lazily formatted trace headed "QueueFull: ...",
    // without this constructor's frame. Elsewhere borrow one (an array of strings on Kaluma).
    if (typeof captureStackTrace === 'function') {
      captureStackTrace(self, ThreadSafeError);
    } else {
      const probe = new Error(self.message);
      if (probe.stack !== undefined) self.stack = probe.stack;
    }
  }
  ThreadSafeError.prototype = Object.create(base);
  ThreadSafeError.prototype.constructor = ThreadSafeError;
  ThreadSafeError.prototype.name = name;
  return ThreadSafeError as any;
}

export const QueueFull: ErrorClass<QueueFull> = defineError<QueueFull>('QueueFull');
export const QueueEmpty: ErrorClass<QueueEmpty> = defineError<QueueEmpty>('QueueEmpty');
export const QueueClosed: ErrorClass<QueueClosed> = defineError<QueueClosed>('QueueClosed');
export const AbortError: ErrorClass<AbortError> = defineError<AbortError>('AbortError');
export const TimeoutError: ErrorClass<TimeoutError> = defineError<TimeoutError>('TimeoutError');
export const FlagInUse: ErrorClass<FlagInUse> = defineError<FlagInUse>('FlagInUse');
