/**
 * ThreadSafeFlag over a SharedArrayBuffer: one waiter (any thread), any thread sets.
 */
import { FlagInUse, TimeoutError } from '../errors';
import { addWaiter, checkOptions, RESOLVED, rejectWaiter, resolveWaiter, WaitList, WaitOptions } from '../waiters';
import { ClosedError } from './errors';
import { blockDeadline, holdUntilSettled, KIND_FLAG, openHandle, sleepWhile, W_CLOSED, whenChanged, writeHeader } from './memory';

/** What `flag.share()` returns: post it to a worker and call `ThreadSafeFlag.from(handle)` there. */
export interface SharedFlagHandle {
  readonly kind: 'ThreadSafeFlag';
  readonly buffer: SharedArrayBuffer;
}

const W_STATE = 5; // 1 while a set() is not consumed
const W_BELL = 6; // bumped by every set() (and close())
const W_WAITER = 7; // 1 while some thread has a wait in progress (claimed by compareExchange)
const FLAG_BYTES = 64;

/**
 * A flag in shared memory, as MicroPython's ThreadSafeFlag: one task (on any thread) waits,
 * any thread sets, and the wait consumes the set.
 *
 * How it works: STATE is the flag bit, BELL counts sets, WAITER is the one-waiter claim. A
 * wait claims WAITER (compareExchange 0→1; a second concurrent wait on any thread gets
 * `FlagInUse`), reads BELL, then tries to consume STATE (compareExchange 1→0). If that fails
 * it sleeps until BELL moves, then consumes STATE (whatever it finds: a `clear()` between the
 * set and the wake-up does not take the wake-up back) and returns. `set()` stores STATE = 1,
 * THEN bumps BELL and notifies, so a waiter either consumes STATE directly or is rung.
 *
 * - Two sets before a wait wake it once (a bit, not a counter).
 * - `close()` (either thread, or `watchWorker` on worker exit) makes waits fail with `ClosedError`,
 *   once a set made before it has been consumed.
 * - `waitSync(timeout?)` blocks a worker; the main thread gets a TypeError.
 *
 * ```js
 * const flag = new ThreadSafeFlag();
 * watchWorker(new Worker('./w.mjs', { workerData: flag.share() }), flag);
 * for (;;) await flag.wait(); // w.mjs: const f = ThreadSafeFlag.from(workerData); f.set();
 * ```
 */
export class ThreadSafeFlag {
  private _w!: Int32Array;
  private _waiters!: WaitList;
  private _armed!: boolean;
  private _onBell!: () => void;
  private _unclaim!: () => void;

  /** A new, clear flag. Allocates one 64-byte SharedArrayBuffer. */
  constructor() {
    const w = new Int32Array(new SharedArrayBuffer(FLAG_BYTES));
    writeHeader(w, KIND_FLAG, 0, 0);
    this._init(w);
  }

  /** Rebuilds, in this thread, the flag whose `share()` handle was posted here; TypeError/RangeError for anything else. */
  static from(handle: SharedFlagHandle): ThreadSafeFlag {
    const f = Object.create(ThreadSafeFlag.prototype) as ThreadSafeFlag;
    f._init(openHandle(handle, KIND_FLAG, 'ThreadSafeFlag.from', flagBytes));
    return f;
  }

  private _init(w: Int32Array): void {
    this._w = w;
    this._waiters = new WaitList();
    this._armed = false;
    this._onBell = () => this._serve();
    this._unclaim = () => Atomics.store(w, W_WAITER, 0);
  }

  /** The handle to post to another thread: `{ kind, buffer }`. */
  share(): SharedFlagHandle {
    return { kind: 'ThreadSafeFlag', buffer: this._w.buffer as SharedArrayBuffer };
  }

  /**
   * Resolves once the flag is set, consuming it (at once if it is set). Rejects with
   * `FlagInUse` if a wait is in progress on any thread, `ClosedError` after `close()`,
   * `AbortError`/`TimeoutError` per `options`. Holds the event loop open meanwhile.
   */
  wait(options?: WaitOptions): Promise<void> {
    checkOptions(options, 'ThreadSafeFlag.wait');
    const w = this._w;
    if (Atomics.compareExchange(w, W_WAITER, 0, 1) !== 0) {
      return Promise.reject(new FlagInUse('ThreadSafeFlag.wait: another task or thread is already waiting on this flag (use ThreadSafeEvent for several waiters)'));
    }
    const bell = Atomics.load(w, W_BELL);
    // A set made before close() is still delivered; only then does a closed flag fail.
    if (Atomics.compareExchange(w, W_STATE, 1, 0) === 1) {
      Atomics.store(w, W_WAITER, 0);
      return RESOLVED;
    }
    if (Atomics.load(w, W_CLOSED) !== 0) {
      Atomics.store(w, W_WAITER, 0);
      return Promise.reject(new ClosedError('ThreadSafeFlag.wait: the flag is closed'));
    }
    const p = addWaiter(this._waiters, bell, options);
    p.then(this._unclaim, this._unclaim); // however it ends, the claim goes
    if (!this._armed) this._serve();
    return holdUntilSettled(p);
  }

  /**
   * Worker only: blocks until the flag is set and consumes it, at most `timeout` ms (then
   * `TimeoutError`); `FlagInUse`/`ClosedError` as `wait()`; TypeError on the main thread.
   */
  waitSync(timeout?: number): void {
    const deadline = blockDeadline(true, timeout, 'ThreadSafeFlag.waitSync');
    const w = this._w;
    if (Atomics.compareExchange(w, W_WAITER, 0, 1) !== 0) {
      throw new FlagInUse('ThreadSafeFlag.waitSync: another task or thread is already waiting on this flag');
    }
    try {
      const bell = Atomics.load(w, W_BELL);
      if (Atomics.compareExchange(w, W_STATE, 1, 0) === 1) return;
      for (;;) {
        if (Atomics.compareExchange(w, W_STATE, 1, 0) === 1) return; // a set made before close() still counts
        if (Atomics.load(w, W_CLOSED) !== 0) throw new ClosedError('ThreadSafeFlag.waitSync: the flag is closed');
        if (Atomics.load(w, W_BELL) !== bell) {
          Atomics.compareExchange(w, W_STATE, 1, 0); // consume the set that rang
          return;
        }
        if (!sleepWhile(w, W_BELL, bell, deadline)) throw new TimeoutError('ThreadSafeFlag.waitSync: not set within ' + timeout + ' ms');
      }
    } finally {
      Atomics.store(w, W_WAITER, 0);
    }
  }

  /** Sets the flag: wakes the waiter of whatever thread, or stays set for the next wait; never allocates. */
  set(): void {
    const w = this._w;
    Atomics.store(w, W_STATE, 1); // 1. record
    Atomics.add(w, W_BELL, 1); // 2. then ring
    Atomics.notify(w, W_BELL);
  }

  /** Clears a set flag so that the next wait waits; a waiter already rung still returns. */
  clear(): void {
    Atomics.store(this._w, W_STATE, 0);
  }

  /** Ends the flag for all threads: the current and later waits fail with `ClosedError`. Twice does nothing. */
  close(): void {
    const w = this._w;
    if (Atomics.exchange(w, W_CLOSED, 1) !== 0) return;
    Atomics.add(w, W_BELL, 1);
    Atomics.notify(w, W_BELL);
  }

  /** True if the flag is set and no wait consumed it yet. */
  isSet(): boolean {
    return Atomics.load(this._w, W_STATE) !== 0;
  }

  /** True once `close()` was called (by either thread or `watchWorker`). */
  closed(): boolean {
    return Atomics.load(this._w, W_CLOSED) !== 0;
  }

  /** Async pump: settles the waiter once BELL moved (consuming the set), else sleeps on BELL. */
  private _serve(): void {
    const w = this._w;
    this._armed = false;
    const x = this._waiters.head;
    if (x === null) return;
    const bell = Atomics.load(w, W_BELL);
    if (Atomics.compareExchange(w, W_STATE, 1, 0) === 1) {
      resolveWaiter(x, undefined); // a set made before close() is still delivered
      return;
    }
    if (Atomics.load(w, W_CLOSED) !== 0) {
      rejectWaiter(x, new ClosedError('ThreadSafeFlag.wait: the flag was closed'));
      return;
    }
    if (x.value !== bell) {
      Atomics.compareExchange(w, W_STATE, 1, 0); // consume the set that rang
      resolveWaiter(x, undefined);
      return;
    }
    this._armed = true;
    whenChanged(w, W_BELL, bell, this._onBell);
  }
}

function flagBytes(): number {
  return FLAG_BYTES;
}
