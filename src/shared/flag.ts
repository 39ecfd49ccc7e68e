/**
 * ThreadSafeFlag over a SharedArrayBuffer: one waiter (any thread), any thread sets.
 */
import { FlagInUse, TimeoutError } from '../errors';
import { abortedAlready, addWaiter, checkOptions, RESOLVED, rejectWaiter, resolveWaiter, WaitList, WaitOptions } from '../waiters';
import { ClosedError } from './errors';
import {
  blockDeadline, consumeSet, holdUntilSettled, KIND_FLAG, openHandle, raiseSets, ringSets, sleepWhile, W_CLOSED, whenChanged, writeHeader,
} from './memory';

/** What `flag.share()` returns: post it to a worker and call `ThreadSafeFlag.from(handle)` there. */
export interface SharedFlagHandle {
  readonly kind: 'ThreadSafeFlag';
  readonly buffer: SharedArrayBuffer;
}

// word 5 is unused (it held the state before the state moved into SETS)
const W_SETS = 6; // bit 0: set and not consumed; bits 1..31: sets (and closes) so far
const W_WAITER = 7; // 1 while some thread has a wait in progress (claimed by compareExchange)
const FLAG_BYTES = 64;

/**
 * A flag in shared memory, as MicroPython's ThreadSafeFlag: one task (on any thread) waits,
 * any thread sets, and the wait consumes the set.
 *
 * How it works: one word, SETS, holds the flag bit (bit 0) and a count of sets (bits 1..31);
 * WAITER is the one-waiter claim. `set()` raises the bit and advances the count in ONE
 * compareExchange, then notifies. A wait claims WAITER (compareExchange 0→1; a second
 * concurrent wait on any thread gets `FlagInUse`), tries to consume the bit
 * (compareExchange clearing it), else notes the count and sleeps on SETS; it returns once it
 * consumes the bit, or once the count moved with the bit already cleared (a `clear()` between
 * the set and the wake-up does not take the wake-up back). Recording and ringing in one step
 * matters: with a state word and a separate bell, a wait could consume a set between its two
 * stores and the next wait took that set's late bell for a new set (one set, two wake-ups).
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
    const aborted = abortedAlready(options); // an aborted wait consumes, takes and puts nothing
    if (aborted !== null) return aborted;
    const w = this._w;
    if (closedAndEmpty(w)) return Promise.reject(new ClosedError('ThreadSafeFlag.wait: the flag is closed'));
    if (Atomics.compareExchange(w, W_WAITER, 0, 1) !== 0) {
      return Promise.reject(new FlagInUse('ThreadSafeFlag.wait: another task or thread is already waiting on this flag (use ThreadSafeEvent for several waiters)'));
    }
    // A set made before close() is still delivered; only then does a closed flag fail.
    if (consumeSet(w, W_SETS)) {
      Atomics.store(w, W_WAITER, 0);
      return RESOLVED;
    }
    const seen = Atomics.load(w, W_SETS) & ~1; // sets so far: a later one moves the counter
    if (Atomics.load(w, W_CLOSED) !== 0) {
      Atomics.store(w, W_WAITER, 0);
      return Promise.reject(new ClosedError('ThreadSafeFlag.wait: the flag is closed'));
    }
    const p = addWaiter(this._waiters, seen, options);
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
    if (closedAndEmpty(w)) throw new ClosedError('ThreadSafeFlag.waitSync: the flag is closed');
    if (Atomics.compareExchange(w, W_WAITER, 0, 1) !== 0) {
      throw new FlagInUse('ThreadSafeFlag.waitSync: another task or thread is already waiting on this flag');
    }
    try {
      if (consumeSet(w, W_SETS)) return;
      const seen = Atomics.load(w, W_SETS) & ~1;
      for (;;) {
        const v = step(w, seen);
        if (v === RUNG) return;
        if (v === CLOSED) throw new ClosedError('ThreadSafeFlag.waitSync: the flag is closed');
        if (!sleepWhile(w, W_SETS, v, deadline)) throw new TimeoutError('ThreadSafeFlag.waitSync: not set within ' + timeout + ' ms');
      }
    } finally {
      Atomics.store(w, W_WAITER, 0);
    }
  }

  /** Sets the flag: wakes the waiter of whatever thread, or stays set for the next wait; never allocates. */
  set(): void {
    raiseSets(this._w, W_SETS);
  }

  /** Clears a set flag so that the next wait waits; a waiter already rung still returns. */
  clear(): void {
    Atomics.and(this._w, W_SETS, ~1);
  }

  /** Ends the flag for all threads: waits fail with `ClosedError` once no set is left. Twice does nothing. */
  close(): void {
    const w = this._w;
    if (Atomics.exchange(w, W_CLOSED, 1) !== 0) return;
    ringSets(w, W_SETS);
  }

  /** True if the flag is set and no wait consumed it yet. */
  isSet(): boolean {
    return (Atomics.load(this._w, W_SETS) & 1) !== 0;
  }

  /** True once `close()` was called (by either thread or `watchWorker`). */
  closed(): boolean {
    return Atomics.load(this._w, W_CLOSED) !== 0;
  }

  /** Async pump: settles the waiter once a set came (consuming it), else sleeps on SETS. */
  private _serve(): void {
    const w = this._w;
    this._armed = false;
    const x = this._waiters.head;
    if (x === null) return;
    const v = step(w, x.value);
    if (v === RUNG) {
      resolveWaiter(x, undefined);
      return;
    }
    if (v === CLOSED) {
      rejectWaiter(x, new ClosedError('ThreadSafeFlag.wait: the flag was closed'));
      return;
    }
    this._armed = true;
    whenChanged(w, W_SETS, v, this._onBell);
  }
}

// What `step` found, besides the SETS value to sleep on (always even: the bit is clear).
const RUNG = 1;
const CLOSED = 3;

/**
 * One look of a waiter that noted the count `seen`: RUNG if it consumed a set (a set made
 * before close() is still delivered), or if the count moved while the bit is clear (a set
 * that `clear()` took back still rang it); CLOSED if closed with nothing to deliver; else the
 * SETS value to sleep on. One load decides, so a set landing between two looks is neither
 * missed nor left behind for the next wait.
 */
function step(w: Int32Array, seen: number): number {
  for (;;) {
    // CLOSED before SETS: a set() made before a close() is then always seen
    const closed = Atomics.load(w, W_CLOSED) !== 0;
    const v = Atomics.load(w, W_SETS);
    if ((v & 1) !== 0) {
      if (Atomics.compareExchange(w, W_SETS, v, v & ~1) === v) return RUNG; // consumed
      continue; // the word changed under us: look again
    }
    if (closed) return CLOSED;
    if (v !== seen) return RUNG;
    return v;
  }
}

/**
 * Closed with no set left to deliver. Checked before the waiter claim: a worker that died
 * while waiting never released its claim, and the survivors must then see ClosedError, not
 * FlagInUse.
 */
function closedAndEmpty(w: Int32Array): boolean {
  return Atomics.load(w, W_CLOSED) !== 0 && (Atomics.load(w, W_SETS) & 1) === 0;
}

function flagBytes(): number {
  return FLAG_BYTES;
}
