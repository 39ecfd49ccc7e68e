/**
 * ThreadSafeFlag: one task waits, any context sets.
 */
import { construct } from './args';
import { FlagInUse } from './errors';
import { begin, path, RESOLVED, WaitList, WaitOptions } from './waiters';
import type { OptionsPath } from './waiters';

/**
 * A flag that one task awaits and any other context sets, as MicroPython's
 * `asyncio.ThreadSafeFlag`: `wait()` resolves once the flag is set and clears it again.
 *
 * - Setting it twice before the wait wakes the waiter once (the flag is a bit, not a counter:
 *   count events with a ThreadSafeQueue).
 * - A `set()` while a task waits wakes it and is consumed by that wake-up. A further `set()`
 *   before the woken task has resumed is kept: the task's next `wait()` returns at once.
 *   (MicroPython merges it into the wake-up, since there the woken task clears the flag when
 *   it runs; telling when the task resumes costs a second promise reaction per wake-up, about
 *   1 ms on Kaluma, so this flag keeps the set instead: never a lost set, at worst one extra
 *   wake-up.)
 * - One waiter at a time: a second concurrent `wait()` rejects with `FlagInUse` rather than
 *   silently stealing the wake-up. Use ThreadSafeEvent when several tasks wait.
 * - `set()` and `clear()` are safe from Node callbacks and from Kaluma main-loop callbacks
 *   (`setWatch`, timers) and never allocate. On Kaluma an `attachInterrupt` handler must not
 *   call any method (it may touch only primitives): use the library's interrupt sources,
 *   which record the edge in the interrupt and call `set()` on the main loop.
 *
 * ```js
 * const flag = new ThreadSafeFlag();
 * setInterval(() => flag.set(), 1000);
 * for (;;) { await flag.wait(); console.log('tick'); }
 * ```
 */
export class ThreadSafeFlag {
  // Assigned in the constructor, hottest last: JerryScript (Kaluma) has no property lookup cache
  // and finds the most recently created property first.
  /**
   * Called synchronously whenever a task begins to wait (a `wait()` that does not finish at
   * once); null by default. One listener: the Kaluma InterruptSource uses it to collect edges
   * only while someone waits. Do not wait on the flag from inside it. If it throws, the wait
   * throws that error and leaves nothing registered (unless the hook settled it: that stands).
   */
  declare onwait: (() => void) | null;
  /** A waiter with options (signal, timeout): a list of at most one. */
  private declare _waiters: WaitList;
  /** The recorded signal: true between a `set()` nobody was waiting for and the next wait. */
  private declare _state: boolean;
  /** The executor of a plain wait's promise: one closure per flag (it stores resolve in `_r`), none per call. */
  private declare _exec: (resolve: (value: void) => void) => void;
  /** The resolve of a plain waiter (no options), or null: no waiter record on the common path. */
  private declare _r: ((value: void) => void) | null;

  /** A clear flag; throws a TypeError when called without `new` or with an argument. */
  constructor() {
    construct(this, ThreadSafeFlag, arguments.length, 0, 'ThreadSafeFlag');
    this.onwait = null;
    this._waiters = { head: null, tail: null };
    this._state = false;
    const self = this;
    this._exec = function (resolve) {
      self._r = resolve;
    };
    this._r = null;
  }

  /**
   * Resolves once the flag is set, clearing it; at once if it is already set. Rejects with
   * `FlagInUse` if another task is already waiting, `AbortError`/`TimeoutError` per `options`.
   * Allocates a promise when it has to wait (and, with options, a waiter record).
   */
  wait(options?: WaitOptions): Promise<void> {
    if (options !== undefined) {
      const aborted = begin(options, 'ThreadSafeFlag.wait');
      if (aborted !== null) return aborted;
    }
    if (this._r !== null || this._waiters.head !== null) {
      return Promise.reject(new FlagInUse('ThreadSafeFlag.wait: another task is already waiting (use ThreadSafeEvent for several)'));
    }
    if (this._state) {
      this._state = false;
      return RESOLVED;
    }
    if (options !== undefined && (options.signal !== undefined || options.timeout !== undefined)) {
      return (path as OptionsPath).add(this._waiters, undefined, options, this.onwait); // begin() built the path
    }
    const promise = new Promise<void>(this._exec); // sets _r
    const resolve = this._r;
    const hook = this.onwait;
    if (hook !== null) {
      try {
        hook();
      } catch (e) {
        if (this._r === resolve) {
          this._r = null; // still waiting: undo the wait (an orphan would take the next set)
          throw e;
        }
      }
    }
    return promise;
  }

  /** Sets the flag: wakes the waiter (in the next microtask) or, with none, keeps the flag set; never allocates. */
  set(): void {
    // The path from an interrupt to a task, inlined: on Kaluma each call costs ~50 µs and each
    // property operation ~20 µs.
    const r = this._r;
    if (r !== null) {
      this._r = null; // the waiter consumes the set (the flag stays clear)
      r(void 0);
      return;
    }
    const list = this._waiters;
    const w = list.head;
    if (w !== null) {
      list.head = list.tail = null;
      w.list = null; // settled (resolveWaiter() inlined)
      (path as OptionsPath).release(w); // only a wait with options is linked: it has a listener or a timer
      (w.resolve as (v: unknown) => void)(void 0);
    } else this._state = true; // record only
  }

  /** Clears a set flag so that the next `wait()` waits; does not affect a task already woken. */
  clear(): void {
    this._state = false;
  }

  /** True while a task waits (and has not been woken yet). */
  hasWaiters(): boolean {
    return this._r !== null || this._waiters.head !== null;
  }

  /** True if the flag is set and nobody has consumed it yet. */
  isSet(): boolean {
    return this._state;
  }
}
