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

/** The toString of every class below: "QueueFull: message" (Espruino prints an object not made by `Error` as [object Object] unless it has its own toString). */
function errorToString(this: Error): string {
  return this.name + ': ' + this.message;
}

/**
 * The body of every constructor below: called without `new`, it constructs; on the first
 * construction of a class it builds its prototype (chained to `Error.prototype` through
 * `__proto__`, which Kaluma's JerryScript, Espruino and V8 all take, with `name` and the
 * toString); then the message and a stack. Building the prototype here rather than at the top
 * level keeps the module free of side effects, so a bundler drops every class a program does
 * not use (rollup keeps a top-level write to a prototype), and the prototypes cost heap only
 * once something is thrown. Until then a class's prototype is a plain object.
 */
function make(self: any, C: any, message: string | undefined, name: string): any {
  if (!(self instanceof C)) return new C(message);
  const proto = C.prototype;
  if (proto.name !== name) {
    proto.__proto__ = Error.prototype;
    proto.name = name;
    proto.toString = errorToString;
  }
  self.message = message === undefined ? name : String(message);
  // V8 (Node): a lazily formatted trace headed "QueueFull: ...", without the constructor's frame.
  // Elsewhere borrow one (an array of strings on Kaluma).
  if (typeof captureStackTrace === 'function') {
    captureStackTrace(self, C);
  } else {
    const probe = new Error(self.message);
    if (probe.stack !== undefined) self.stack = probe.stack;
  }
  return self;
}

// One function per class (a named function, so that `instanceof` tells them apart), and no
// shared factory: rollup keeps every call of a factory once one of its results is used.
function QueueFullError(this: any, message?: string): any {
  return make(this, QueueFullError, message, 'QueueFull');
}
function QueueEmptyError(this: any, message?: string): any {
  return make(this, QueueEmptyError, message, 'QueueEmpty');
}
function QueueClosedError(this: any, message?: string): any {
  return make(this, QueueClosedError, message, 'QueueClosed');
}
function AbortErrorClass(this: any, message?: string): any {
  return make(this, AbortErrorClass, message, 'AbortError');
}
function TimeoutErrorClass(this: any, message?: string): any {
  return make(this, TimeoutErrorClass, message, 'TimeoutError');
}
function FlagInUseError(this: any, message?: string): any {
  return make(this, FlagInUseError, message, 'FlagInUse');
}

export const QueueFull: ErrorClass<QueueFull> = QueueFullError as any;
export const QueueEmpty: ErrorClass<QueueEmpty> = QueueEmptyError as any;
export const QueueClosed: ErrorClass<QueueClosed> = QueueClosedError as any;
export const AbortError: ErrorClass<AbortError> = AbortErrorClass as any;
export const TimeoutError: ErrorClass<TimeoutError> = TimeoutErrorClass as any;
export const FlagInUse: ErrorClass<FlagInUse> = FlagInUseError as any;
