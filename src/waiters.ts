/**
 * Internal: the list of pending waits shared by the three primitives.
 *
 * How it works: every `wait()`/`get()`/`put()` that cannot finish at once becomes one
 * `Waiter` linked into an intrusive doubly linked list. Settling a waiter (the event fired,
 * an item was handed over, the signal aborted, the timeout ran out) first unlinks it and
 * drops its abort listener and timer, so a waiter is settled at most once and nothing of a
 * cancelled waiter stays registered. A waiter is its own abort listener (`handleEvent`), so
 * cancellation needs no closure; only a `timeout` costs one (the timer callback).
 *
 * What a wait with `{ signal, timeout }` needs beyond a plain one (the checks, the abort
 * listener, the timer, AbortError/TimeoutError) is reached only through `path`, which
 * `enableWaitOptions()` sets: a program built from the sources that never calls it carries none
 * of that code (rollup drops what nothing references), and a wait given options there throws a
 * TypeError saying so. The full bundles (dist/threadsafe.js, .min.js, .mjs, require('threadsafe'))
 * call it as they load (src/bundle.ts); `select()` and `new AbortController()` call it too.
 */
import { describe, RangeErr, unknownOption } from './args';
import { AbortError, TimeoutError } from './errors';

export { describe };

/** The part of a standard `AbortSignal` the library uses; Node's and ours both fit. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: { handleEvent(event: unknown): void }): void;
  removeEventListener(type: 'abort', listener: { handleEvent(event: unknown): void }): void;
}

/** Options of every waiting method. */
export interface WaitOptions {
  /** Cancels the wait: it rejects with `AbortError` and leaves nothing registered. */
  signal?: AbortSignalLike;
  /** Milliseconds (0 … 2147483647) before the wait rejects with `TimeoutError`. */
  timeout?: number;
}

type Resolve = (value: any) => void;
type Reject = (reason: any) => void;

/**
 * One pending wait. `value` is the item of a waiting `put()`, or a mode flag of a getter.
 * A plain object literal of six properties: on JerryScript (Kaluma) a literal costs about half
 * of a constructor call that creates the same properties one by one. `signal`, `timer` and
 * `handleEvent` are added only to a wait that has options.
 */
export interface Waiter {
  list: WaitList | null;
  prev: Waiter | null;
  next: Waiter | null;
  value: any;
  resolve: Resolve | null;
  reject: Reject | null;
  signal?: AbortSignalLike | null;
  timer?: any;
  /** The abort listener (the waiter itself is registered, so cancellation needs no closure). */
  handleEvent?: (this: Waiter) => void;
}

/**
 * A FIFO of waiters. The primitives make theirs as the literal `{ head: null, tail: null }`
 * (cheaper than a constructor call on JerryScript, and no function object); the class is for
 * threadsafe/shared.
 */
export class WaitList {
  head: Waiter | null = null;
  tail: Waiter | null = null;
}

/** A settled promise handed out by waits that finish at once (created once, never per call). */
export const RESOLVED: Promise<void> = Promise.resolve();

/** The options path (the end of this file): what a wait with `{ signal, timeout }` needs beyond a plain one. */
export interface OptionsPath {
  /** Checks the options (throws naming the bad one); a promise rejected with AbortError when the signal is already aborted, else null. */
  begin(options: WaitOptions, method: string): Promise<never> | null;
  /** Gives a just-linked waiter its abort listener and timer. */
  arm(w: Waiter, options: WaitOptions): void;
  /** Drops them from an unlinked waiter. */
  release(w: Waiter): void;
  /** addWaiter, for ThreadSafeFlag.wait with a signal or timeout. */
  add(list: WaitList, value: any, options: WaitOptions | undefined, hook?: (() => void) | null): Promise<any>;
}

/**
 * The options path once `enableWaitOptions()` set it, else null. Exported (a live binding) for
 * the flag, whose wait with options goes through it, so that a flag-only program carries no
 * waiter list code.
 */
export let path: OptionsPath | null = null;

// The executor of every waiter's promise: a module-level function instead of a closure per
// call; it hands the resolving functions over through these two variables.
let capturedResolve: Resolve | null = null;
let capturedReject: Reject | null = null;
function capture(resolve: Resolve, reject: Reject): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/**
 * What every waiting method given options (not undefined) does first: checks them, throwing a
 * TypeError/RangeError naming the bad one (or a key that is not an option), or a TypeError when
 * the options are not enabled (a board program built from the sources that never called
 * `enableWaitOptions()`); then returns a promise rejected with AbortError when the signal is
 * already aborted, else null. (An aborted signal is not a bad argument; an aborted wait never
 * consumes a set flag, takes an item or puts one, even when it could finish at once, as
 * `events.once`, `fetch`.)
 */
export function begin(options: WaitOptions, method: string): Promise<never> | null {
  if (path === null) throw new TypeError(method + ': options need enableWaitOptions() first');
  return path.begin(options, method);
}

/**
 * Adds a waiter at the tail of `list` and returns its promise. Options must have been through
 * `begin()` (checked, and not already aborted: every waiting method does that first). Then calls `hook` (the primitive's `onwait`), if any: if it
 * throws while the waiter still waits, the waiter is unlinked and the error rethrown, so the
 * failed wait leaves nothing registered; if the hook settled it (put an item, set the flag),
 * that stands. Allocates the promise and one Waiter (and a timer closure with `timeout`).
 */
export function addWaiter(list: WaitList, value: any, options: WaitOptions | undefined, hook?: (() => void) | null): Promise<any> {
  const promise = new Promise<any>(capture);
  const tail = list.tail;
  const w: Waiter = { list: list, prev: tail, next: null, value: value, resolve: capturedResolve, reject: capturedReject };
  capturedResolve = capturedReject = null;
  // Link at the tail.
  if (tail === null) list.head = w;
  else tail.next = w;
  list.tail = w;
  if (options !== undefined) (path as OptionsPath).arm(w, options); // checked: the path is built
  if (hook != null) {
    try {
      hook();
    } catch (e) {
      if (unlink(w)) throw e; // still waiting: undo the wait (an orphan would take the next item)
    }
  }
  return promise;
}

/**
 * Unlinks a waiter and drops its listener and timer. Returns false if it was already
 * settled (so each waiter is settled once). A settled waiter keeps its stale prev/next: nothing
 * reads them (list === null marks it settled), and not clearing them saves two stores per wake.
 */
export function unlink(w: Waiter): boolean {
  const list = w.list;
  if (list === null) return false;
  const prev = w.prev;
  const next = w.next;
  if (prev === null) list.head = next;
  else prev.next = next;
  if (next === null) list.tail = prev;
  else next.prev = prev;
  w.list = null;
  // Only a wait with options has a listener or a timer: one read (of a property a plain waiter
  // lacks, so a search of the object) instead of two, on the path of every wake-up.
  if (w.handleEvent !== void 0) path!.release(w); // drops its listener and timer
  return true;
}

/** Settles a live waiter with `value`: unlinks it, then resolves its promise. */
export function resolveWaiter(w: Waiter, value: any): void {
  const resolve = w.resolve;
  unlink(w);
  w.resolve = w.reject = null;
  if (resolve !== null) resolve(value);
}

/** Settles a live waiter with an error: unlinks it, then rejects its promise. */
export function rejectWaiter(w: Waiter, reason: unknown): void {
  const reject = w.reject;
  unlink(w);
  w.resolve = w.reject = null;
  if (reject !== null) reject(reason);
}

// ---- the options path: kept only in a program that calls enableWaitOptions() ----

/**
 * Turns on `{ signal, timeout }` for every waiting method of the program (calling it again does
 * nothing). Needed only in a program built from the sources by `threadsafe build` that passes
 * options without using `select()` or the library's `AbortController` (which call it
 * themselves); the full bundles call it as they load.
 */
export function enableWaitOptions(): void {
  path = PATH;
}

/** Kaluma's millisecond clock (a global there; absent elsewhere). */
declare const millis: (() => number) | undefined;

/**
 * When a timer of `ms` set now is due, on Kaluma's millis() clock; -1 elsewhere. Kaluma 1.2.1
 * counts a timer's delay from the start of the loop iteration that set it, so a timer set after
 * a long synchronous stretch (the top level that loaded the program, a slow callback) fires early
 * by that stretch (docs/platform.md; host-tests/firmware/timeouts.test.mjs): the timeouts read
 * `early(due)` when their timer fires and wait out the rest. Main loop only; no allocation.
 */
export function dueAt(ms: number): number {
  return typeof millis === 'function' ? millis() + ms : -1;
}

/** The ms left until `due` (from dueAt()) when a timer fires: > 0 when Kaluma fired it early. */
export function early(due: number): number {
  return due < 0 ? 0 : due - (millis as () => number)();
}

/** The longest timer delay engines honour (2^31-1 ms); setTimeout fires at once beyond it. */
const MAX_TIMEOUT = 2147483647;

/** Abort listener of a waiter (the waiter itself is registered): the signal fired before it was settled. */
function handleAbort(this: Waiter): void {
  const signal = this.signal;
  const reject = this.reject;
  if (!unlink(this) || reject === null) return;
  this.resolve = this.reject = null;
  const err = new AbortError('the wait was aborted');
  err.reason = signal === null || signal === undefined ? undefined : signal.reason;
  reject(err);
}

const PATH: OptionsPath = {
  add: addWaiter,

  /**
   * Throws a TypeError/RangeError naming the bad option (and for a key that is not an option:
   * a misspelt `timeot` would otherwise be ignored); then a promise rejected with AbortError
   * when the signal is already aborted, else null.
   */
  begin: function (options: WaitOptions, method: string): Promise<never> | null {
    // One throw site for the five cases: each message and each throw is bytecode that stays on
    // the Kaluma heap for as long as the program runs.
    let what: string | null = null;
    let bad: unknown;
    let range = false;
    if (options === null || typeof options !== 'object') {
      what = 'options must be an object like { signal, timeout }';
      bad = options;
    } else {
      for (const key in options) if (key !== 'signal' && key !== 'timeout') throw unknownOption(method, key, 'signal, timeout');
      const signal = options.signal;
      const timeout = options.timeout;
      if (
        signal !== undefined &&
        (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean' ||
          typeof signal.addEventListener !== 'function' || typeof signal.removeEventListener !== 'function')
      ) {
        what = 'options.signal must be an AbortSignal';
        bad = signal;
      } else if (timeout !== undefined) {
        bad = timeout;
        range = typeof timeout === 'number';
        if (!range) what = 'options.timeout must be a number of milliseconds';
        else if (!(timeout >= 0) || timeout === Infinity) what = 'options.timeout must be a finite number >= 0';
        // Node (and browsers) fire a longer setTimeout after 1 ms instead of never
        else if (timeout > MAX_TIMEOUT) what = 'options.timeout must be at most 2147483647 ms';
      }
      if (what === null && signal !== undefined && signal.aborted) {
        const err = new AbortError('the signal was already aborted when the wait began');
        err.reason = signal.reason;
        return Promise.reject(err);
      }
    }
    if (what !== null) throw new (range ? RangeErr : TypeError)(method + ': ' + what + ', got ' + describe(bad));
    return null;
  },

  arm: function (w: Waiter, options: WaitOptions): void {
    const signal = options.signal;
    const timeout = options.timeout;
    // handleEvent marks a waiter that has a signal or a timer: unlink() looks at one property.
    if (signal === undefined && timeout === undefined) return;
    w.handleEvent = handleAbort;
    if (signal !== undefined) {
      w.signal = signal;
      signal.addEventListener('abort', w as { handleEvent(): void });
    }
    if (timeout !== undefined) {
      const due = dueAt(timeout);
      const onTime = function (): void {
        const reject = w.reject;
        const left = early(due);
        if (left > 0) {
          w.timer = setTimeout(onTime, left); // Kaluma fired it early
          return;
        }
        w.timer = undefined; // already fired: nothing to clear
        if (!unlink(w) || reject === null) return;
        w.resolve = w.reject = null;
        reject(new TimeoutError('the wait timed out'));
      };
      w.timer = setTimeout(onTime, timeout);
    }
  },

  release: function (w: Waiter): void {
    const signal = w.signal;
    if (signal !== void 0 && signal !== null) {
      signal.removeEventListener('abort', w as { handleEvent(): void });
      w.signal = null;
    }
    if (w.timer !== void 0) {
      clearTimeout(w.timer); // never clearTimeout(undefined): it throws on Kaluma
      w.timer = void 0;
    }
  },
};
