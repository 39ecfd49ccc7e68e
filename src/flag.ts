/**
 * ThreadSafeFlag: one task waits, any context sets.
 */
import { construct } from './args';
import { FlagInUse } from './errors';
import { abortedAlready, addWaiter, checkOptions, release, RESOLVED, WaitList, WaitOptions } from './waiters';

/**
 * A flag that one task awaits and any other context sets, as MicroPython's
 * `asyncio.ThreadSafeFlag`: `wait()` resolves once the flag is set and clears it again.
 *
 * - Setting it twice before the wait, or twice while a task waits before that task has
 *   resumed, wakes the waiter once (the flag is a bit, not a counter: as in MicroPython, the
 *   woken task clears it when it runs; count events with a ThreadSafeQueue).
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
  /** Ends `_waking`: made once per flag, the first reaction of every wait that had to wait. */
  private declare _resumed: () => void;
  /** At most one waiter. */
  private declare _waiters: WaitList;
  /** Tasks woken by a `set()` that have not resumed yet: while any, a `set()` with no waiter merges into their wake-up. */
  private declare _waking: number;
  /** The recorded signal: true between a `set()` nobody was waiting for and the next wait. */
  private declare _state: boolean;

  /** A clear flag; throws a TypeError when called without `new` or with an argument. */
  constructor() {
    construct(this, ThreadSafeFlag, arguments.length, 0, 'ThreadSafeFlag');
    const self = this;
    this.onwait = null;
    this._resumed = function () {
      self._waking--;
    };
    this._waiters = new WaitList();
    this._waking = 0;
    this._state = false;
  }

  /**
   * Resolves once the flag is set, clearing it; at once if it is already set. Rejects with
   * `FlagInUse` if another task is already waiting, `AbortError`/`TimeoutError` per `options`.
   * Allocates two promises when it has to wait (its own and the one that ends the wake-up).
   */
  wait(options?: WaitOptions): Promise<void> {
    if (options !== undefined) {
      checkOptions(options, 'ThreadSafeFlag.wait');
      const aborted = abortedAlready(options);
      if (aborted !== null) return aborted;
    }
    if (this._waiters.head !== null) {
      return Promise.reject(new FlagInUse('ThreadSafeFlag.wait: another task is already waiting (use ThreadSafeEvent for several)'));
    }
    if (this._state) {
      this._state = false;
      return RESOLVED;
    }
    const promise = addWaiter(this._waiters, undefined, options, this.onwait);
    // Registered before the caller's own reaction, so it runs just before the woken task resumes.
    promise.then(this._resumed, ignore); // only a set() wake-up counted in _waking
    return promise;
  }

  /** Sets the flag: wakes the waiter (in the next microtask) or, with none, keeps the flag set; never allocates. */
  set(): void {
    const list = this._waiters;
    const w = list.head;
    if (w !== null) {
      this._waking++;
      // The flag's only waiter consumes the set (the flag stays clear). resolveWaiter() inlined:
      // this is the path from an interrupt to a task, and on Kaluma each call costs ~50 µs and
      // each property operation ~20 µs (a settled waiter is marked by list === null alone).
      list.head = list.tail = null;
      w.list = null;
      if (w.handleEvent !== void 0) release(w);
      (w.resolve as (v: unknown) => void)(void 0);
    } else if (this._waking === 0) {
      this._state = true; // record only
    } // else: the woken task has not resumed yet, and this set merges into its wake-up
  }

  /** Clears a set flag so that the next `wait()` waits; does not affect a task already woken. */
  clear(): void {
    this._state = false;
  }

  /** True while a task waits (and has not been woken yet). */
  hasWaiters(): boolean {
    return this._waiters.head !== null;
  }

  /** True if the flag is set and nobody has consumed it yet. */
  isSet(): boolean {
    return this._state;
  }
}

/** The rejection reaction of the resume marker: a wait that was cancelled was never woken. */
function ignore(): void {}
