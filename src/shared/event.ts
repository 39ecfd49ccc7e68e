/**
 * ThreadSafeEvent over a SharedArrayBuffer: any thread sets, tasks and workers of any thread wait.
 */
import { construct } from '../args';
import { TimeoutError } from '../errors';
import { addWaiter, begin, RESOLVED, rejectWaiter, resolveWaiter, WaitList, WaitOptions } from '../waiters';
import { ClosedError } from './errors';
import {
  blockDeadline, holdUntilSettled, KIND_EVENT, lookSets, openHandle, raiseSets, ringSets, SHUT, sleepWhile, W_CLOSED, whenChanged, writeHeader,
} from './memory';

/** What `evt.share()` returns: post it to a worker and call `ThreadSafeEvent.from(handle)` there. */
export interface SharedEventHandle {
  readonly kind: 'ThreadSafeEvent';
  readonly buffer: SharedArrayBuffer;
}

// word 5 is not used by an event
const W_SETS = 6; // bit 0: set (until clear()); bits 1..31: sets (and closes) so far
const EVENT_BYTES = 64;

/**
 * An event in shared memory: any thread sets or clears it, any number of async tasks on any
 * thread `await evt.wait()`, and a worker may also block in `evt.waitSync()`.
 *
 * How it works: one word, SETS: bit 0 is the state, bits 1..31 count the sets. `set()` raises
 * the bit and advances the count in ONE compareExchange, then notifies; `clear()` clears the
 * bit (Atomics.and). A waiter reads the word once: if the bit is up it returns, else it notes
 * the count and sleeps until the word changes, and returns when the bit is up or the count
 * moved. Because the state and the count change in one step, a set is never lost and never
 * counted twice; and because a waiter also returns on the count, `set(); clear()` still wakes
 * every task that was waiting at the moment of the set (the core's semantics).
 *
 * - A set before the wait is not lost: `wait()` returns at once while the event is set.
 * - `wait({ signal, timeout })` cancels that waiter alone (`AbortError`/`TimeoutError`).
 * - `close()` (either thread, or `watchWorker` on worker exit) makes every current and later
 *   wait throw/reject `ClosedError` while the event is not set, so nobody waits for a thread
 *   that is gone; a set made before the close is still delivered.
 * - An async wait holds Node's event loop open until it settles.
 *
 * ```js
 * const evt = new ThreadSafeEvent();
 * watchWorker(new Worker('./w.mjs', { workerData: evt.share() }), evt);
 * await evt.wait(); // w.mjs: ThreadSafeEvent.from(workerData).set();
 * ```
 */
export class ThreadSafeEvent {
  private _w!: Int32Array;
  private _waiters!: WaitList;
  private _armed!: boolean;
  private _onBell!: () => void;

  /** A new, clear event (TypeError with an argument). Allocates one 64-byte SharedArrayBuffer. */
  constructor() {
    construct(this, ThreadSafeEvent, arguments.length, 0, 'ThreadSafeEvent');
    const w = new Int32Array(new SharedArrayBuffer(EVENT_BYTES));
    writeHeader(w, KIND_EVENT, 0, 0);
    this._init(w);
  }

  /** Rebuilds, in this thread, the event whose `share()` handle was posted here; TypeError/RangeError for anything else. */
  static from(handle: SharedEventHandle): ThreadSafeEvent {
    const e = Object.create(ThreadSafeEvent.prototype) as ThreadSafeEvent;
    e._init(openHandle(handle, KIND_EVENT, 'ThreadSafeEvent.from', eventBytes));
    return e;
  }

  private _init(w: Int32Array): void {
    this._w = w;
    this._waiters = new WaitList();
    this._armed = false;
    this._onBell = () => this._serve();
  }

  /** The handle to post to another thread: `{ kind, buffer }`. */
  share(): SharedEventHandle {
    return { kind: 'ThreadSafeEvent', buffer: this._w.buffer as SharedArrayBuffer };
  }

  /**
   * Resolves when the event is set (at once if it is); rejects with `ClosedError` after
   * `close()`, `AbortError`/`TimeoutError` per `options`. Holds the event loop open meanwhile.
   */
  wait(options?: WaitOptions): Promise<void> {
    const aborted = options === undefined ? null : begin(options, 'ThreadSafeEvent.wait'); // an aborted wait consumes, takes and puts nothing
    if (aborted !== null) return aborted;
    const v = lookSets(this._w, W_SETS); // the bit and the count in one read: see How it works
    if (v === SHUT) return Promise.reject(new ClosedError('ThreadSafeEvent.wait: the event is closed'));
    if ((v & 1) !== 0) return RESOLVED;
    const p = addWaiter(this._waiters, v, options);
    if (!this._armed) this._serve();
    return holdUntilSettled(p);
  }

  /**
   * Worker only: blocks until the event is set (returns at once if it is), at most `timeout`
   * ms (then `TimeoutError`); throws `ClosedError` after `close()`, TypeError on the main thread.
   */
  waitSync(timeout?: number): void {
    const deadline = blockDeadline(true, timeout, 'ThreadSafeEvent.waitSync');
    const w = this._w;
    const seen = Atomics.load(w, W_SETS);
    if ((seen & 1) !== 0) return;
    for (;;) {
      const v = lookSets(w, W_SETS);
      if (v === SHUT) throw new ClosedError('ThreadSafeEvent.waitSync: the event is closed');
      if ((v & 1) !== 0) return; // set, perhaps just before a close()
      if (v !== seen) return; // set and cleared since we looked: the set rang us
      if (!sleepWhile(w, W_SETS, v, deadline)) throw new TimeoutError('ThreadSafeEvent.waitSync: not set within ' + timeout + ' ms');
    }
  }

  /** Sets the event and wakes every waiter of every thread; never allocates. */
  set(): void {
    raiseSets(this._w, W_SETS); // record and ring in one step
  }

  /** Clears the event so that later waits wait; waiters already rung by a `set()` still return. */
  clear(): void {
    Atomics.and(this._w, W_SETS, ~1);
  }

  /** Ends the event for all threads: current and later waits fail with `ClosedError`. Twice does nothing. */
  close(): void {
    const w = this._w;
    if (Atomics.exchange(w, W_CLOSED, 1) !== 0) return;
    ringSets(w, W_SETS);
  }

  /** True between `set()` and `clear()`. */
  isSet(): boolean {
    return (Atomics.load(this._w, W_SETS) & 1) !== 0;
  }

  /** True once `close()` was called (by either thread or `watchWorker`). */
  closed(): boolean {
    return Atomics.load(this._w, W_CLOSED) !== 0;
  }

  /** Async pump: settles the waiters once the bit is up or the count moved, then sleeps on SETS for the rest. */
  private _serve(): void {
    const w = this._w;
    this._armed = false;
    const v = lookSets(w, W_SETS);
    const closed = v === SHUT; // then every waiter gets ClosedError
    const set = !closed && (v & 1) !== 0; // a set made before close() is still delivered
    let x = this._waiters.head;
    while (x !== null) {
      const next = x.next;
      if (set) resolveWaiter(x, undefined);
      else if (closed) rejectWaiter(x, new ClosedError('ThreadSafeEvent.wait: the event was closed'));
      else if ((v & ~1) !== x.value) resolveWaiter(x, undefined); // set and cleared since it began
      x = next;
    }
    if (this._waiters.head !== null) {
      this._armed = true;
      whenChanged(w, W_SETS, v, this._onBell);
    }
  }
}

function eventBytes(): number {
  return EVENT_BYTES;
}
