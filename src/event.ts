/**
 * ThreadSafeEvent: any number of tasks wait, any context sets.
 */
import { construct } from './args';
import { addWaiter, begin, path, RESOLVED, WaitList, WaitOptions } from './waiters';
import type { Waiter } from './waiters';

/**
 * An event that any number of tasks await and any other context sets, as the threadsafe
 * `ThreadSafeEvent` of micropython-async (an `asyncio.Event` that may be set from elsewhere).
 *
 * - `set()` wakes every task waiting at that moment, in the order they began to wait, in the
 *   next microtask; the event then stays set, so a task that waits later returns at once,
 *   until `clear()`.
 * - `clear()` really clears: `set(); clear()` with nobody waiting leaves nothing pending, and
 *   a task that was already woken by the `set()` still runs.
 * - A waiter is cancelled alone with `wait({ signal })` or `wait({ timeout })`: it rejects with
 *   `AbortError`/`TimeoutError`, nothing of it stays registered, the others still get the event.
 * - `set()`, `clear()` and `isSet()` are safe from Node callbacks and Kaluma main-loop callbacks
 *   and never allocate. From a Kaluma `attachInterrupt` handler call nothing: use the
 *   library's interrupt sources, which record in the interrupt and `set()` on the main loop.
 * - Use ThreadSafeFlag when exactly one task waits and each wake-up should consume the set.
 *
 * ```js
 * const evt = new ThreadSafeEvent();
 * setInterval(() => evt.set(), 1000);
 * await evt.wait(); // every waiter wakes
 * evt.clear();
 * ```
 */
export class ThreadSafeEvent {
  // Assigned in the constructor, hottest last: JerryScript (Kaluma) has no property lookup cache
  // and finds the most recently created property first.
  /**
   * Called synchronously whenever a task begins to wait (a `wait()` that does not finish at
   * once); null by default. One listener: the Kaluma InterruptSource uses it to collect edges
   * only while someone waits. Do not wait on the event from inside it. If it throws, the wait
   * throws that error and leaves nothing registered (unless the hook settled it: that stands).
   */
  declare onwait: (() => void) | null;
  /**
   * Pending waiters, oldest first. Plain waits (no options) that arrive one after another
   * share one waiter and its promise (kept in `value`), so waking 100 of them settles one
   * promise; a waiter with a signal or timeout has its own.
   */
  private declare _waiters: WaitList;
  /** Set or not. While it is set nobody waits, so set() on a set event reads only this. */
  private declare _state: boolean;

  /** A clear event; throws a TypeError when called without `new` or with an argument. */
  constructor() {
    construct(this, ThreadSafeEvent, arguments.length, 0, 'ThreadSafeEvent');
    this.onwait = null;
    this._waiters = { head: null, tail: null };
    this._state = false;
  }

  /**
   * Resolves when the event is set; at once if it is set already. With `options.signal` or
   * `options.timeout` this waiter alone rejects with `AbortError`/`TimeoutError`.
   * Allocates a promise when it has to wait (plain waits in a row share one).
   */
  wait(options?: WaitOptions): Promise<void> {
    if (options !== undefined) {
      const aborted = begin(options, 'ThreadSafeEvent.wait');
      if (aborted !== null) return aborted;
    }
    if (this._state) return RESOLVED; // (an onwait hook that set()s the event finds it clear and wakes the new waiter)
    // The same lines as ThreadSafeMessage.wait, not a shared helper: in a board program that uses
    // one of the two, terser inlines a helper used once as a function called in place, which
    // makes a closure per wait(). Plain waits in a row share one waiter and its promise (`value`).
    const list = this._waiters;
    const hook = this.onwait;
    if (options !== undefined && (options.signal !== undefined || options.timeout !== undefined)) return addWaiter(list, undefined, options, hook);
    const tail = list.tail;
    if (tail !== null && tail.value !== undefined) {
      if (hook !== null) hook(); // join the shared waiter: a throwing onwait registered nothing new
      return tail.value;
    }
    const promise: Promise<void> = addWaiter(list, undefined, undefined, hook);
    if (list.tail !== null) list.tail.value = promise; // null if onwait set it already
    return promise;
  }

  /** Sets the event and wakes every current waiter (next microtask); never allocates. */
  set(): void {
    if (this._state) return; // set already: nothing to record, and nobody waits on a set event
    this._state = true; // record
    const list = this._waiters;
    // wake every waiter: the list empties at once; resolveWaiter() inlined (this is the path from
    // an interrupt to the tasks, and on Kaluma each call costs ~50 µs). Resolving runs no user
    // code here (reactions are jobs), so nothing can change the list while it is walked.
    let w = list.head;
    if (w === null) return;
    list.head = list.tail = null;
    while (w !== null) {
      const next: Waiter | null = w.next;
      w.list = null; // settled
      if (w.handleEvent !== void 0) path!.release(w); // a waiter with options: the path is there
      (w.resolve as (v: unknown) => void)(void 0);
      w = next;
    }
  }

  /** Clears the event so that later waits wait; tasks already woken by a `set()` still run. */
  clear(): void {
    this._state = false;
  }

  /** True while a task waits (and has not been woken yet). */
  hasWaiters(): boolean {
    return this._waiters.head !== null;
  }

  /** True between `set()` and `clear()`. */
  isSet(): boolean {
    return this._state;
  }
}
