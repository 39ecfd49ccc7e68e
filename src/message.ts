/**
 * ThreadSafeMessage: an event that carries data; any number of tasks wait, any context sets.
 */
import { construct } from './args';
import { addWaiter, begin, path, WaitList, WaitOptions } from './waiters';
import type { Waiter } from './waiters';

/**
 * An event that carries data, as micropython-async's `Message`: `set(data)` from another
 * context wakes every task waiting at that moment with that data; `value()` is the latest data.
 *
 * - `wait()` resolves with the data of the `set()` that woke it; while the message is set it
 *   resolves at once with `value()`. A `set(b)` after a `set(a)` woke the waiters does not change
 *   what they get (`a`), only `value()` and what later waits get.
 * - `set()` on a set message replaces the data and wakes nobody (nobody waits on a set message);
 *   `clear()` makes later waits wait again, and keeps `value()`.
 * - A waiter is cancelled alone with `wait({ signal })` or `wait({ timeout })`: it rejects with
 *   `AbortError`/`TimeoutError`, nothing of it stays registered, the others still get the data.
 * - Contexts: `set()`, `clear()`, `value()`, `isSet()`, `hasWaiters()` are safe from Node
 *   callbacks, another thread's messages and Kaluma main-loop callbacks (`setWatch`, timers), and
 *   never allocate. From a Kaluma `attachInterrupt` handler call nothing: give the message to an
 *   InterruptSource or EncoderSource as its target (each collection `set()`s the latest record).
 * - Use ThreadSafeEvent when the data does not matter, ThreadSafeQueue when every item must
 *   arrive (a message keeps only the latest data).
 *
 * ```js
 * const reading = new ThreadSafeMessage();
 * setInterval(() => reading.set(analogRead(26)), 100);
 * const v = await reading.wait(); // the data of the set() that woke us
 * reading.clear();
 * ```
 */
export class ThreadSafeMessage<T = unknown> {
  // Assigned in the constructor, hottest last: JerryScript (Kaluma) has no property lookup cache
  // and finds the most recently created property first.
  /**
   * Called synchronously whenever a task begins to wait (a `wait()` that does not finish at
   * once); null by default. One listener: the Kaluma sources use it to collect only while someone
   * waits. Do not wait on the message from inside it. If it throws, the wait throws that error
   * and leaves nothing registered (unless the hook set the message: that stands).
   */
  declare onwait: (() => void) | null;
  /** Pending waiters, oldest first; plain waits in a row share one waiter (its promise in `value`). */
  private declare _waiters: WaitList;
  /** The latest data. */
  private declare _data: T | undefined;
  /** Set or not. While it is set nobody waits. */
  private declare _state: boolean;

  /** A clear message whose `value()` is undefined; throws a TypeError without `new` or with an argument. */
  constructor() {
    construct(this, ThreadSafeMessage, arguments.length, 0, 'ThreadSafeMessage');
    this.onwait = null;
    this._waiters = { head: null, tail: null };
    this._data = void 0;
    this._state = false;
  }

  /**
   * Resolves with the data of the `set()` that wakes it; at once with `value()` if the message is
   * set. With `options.signal`/`options.timeout` this waiter alone rejects with
   * `AbortError`/`TimeoutError`. Main loop / Node only; allocates a promise (plain waits in a row
   * that have to wait share one).
   */
  wait(options?: WaitOptions): Promise<T> {
    if (options !== undefined) {
      const aborted = begin(options, 'ThreadSafeMessage.wait');
      if (aborted !== null) return aborted;
    }
    if (this._state) return Promise.resolve(this._data as T);
    // The same lines as ThreadSafeEvent.wait, not a shared helper: in a board program that uses
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
    const promise: Promise<T> = addWaiter(list, undefined, undefined, hook);
    if (list.tail !== null) list.tail.value = promise; // null if onwait set it already
    return promise;
  }

  /**
   * Stores `data` as `value()`, sets the message and wakes every current waiter with `data` (next
   * microtask); on a set message it only replaces the data. Any context but a Kaluma interrupt;
   * never allocates.
   */
  set(data?: T): void {
    this._data = data;
    if (this._state) return; // nobody waits on a set message
    this._state = true;
    const list = this._waiters;
    let w = list.head;
    if (w === null) return;
    list.head = list.tail = null;
    // wake every waiter (resolveWaiter() inlined, as in ThreadSafeEvent.set: the interrupt-to-task path)
    while (w !== null) {
      const next: Waiter | null = w.next;
      w.list = null; // settled
      if (w.handleEvent !== void 0) path!.release(w); // a waiter with options: the path is there
      (w.resolve as (v: unknown) => void)(data);
      w = next;
    }
  }

  /** Clears the message so that later waits wait; keeps `value()`; tasks already woken still run. Never allocates. */
  clear(): void {
    this._state = false;
  }

  /** The data of the latest `set()` (undefined before the first); cleared or not. */
  value(): T | undefined {
    return this._data;
  }

  /** True between `set()` and `clear()`. */
  isSet(): boolean {
    return this._state;
  }

  /** True while a task waits (and has not been woken yet). */
  hasWaiters(): boolean {
    return this._waiters.head !== null;
  }
}
