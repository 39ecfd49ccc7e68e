/**
 * ThreadSafeFlag over a SharedArrayBuffer: one waiter (any thread), any thread sets.
 */
import { construct } from '../args';
import { AbortError, FlagInUse, TimeoutError } from '../errors';
import {
  AbortSignalLike, addWaiter, begin, RESOLVED, rejectWaiter, resolveWaiter, WaitList, WaitOptions,
} from '../waiters';
import { ClosedError } from './errors';
import {
  blockDeadline, consumeSet, holdUntilSettled, KIND_FLAG, lookSets, openHandle, raiseSets, ringSets, SHUT, sleepWhile, W_CLOSED, whenChanged,
  writeHeader,
} from './memory';

/** What `flag.share()` returns: post it to a worker and call `ThreadSafeFlag.from(handle)` there. */
export interface SharedFlagHandle {
  readonly kind: 'ThreadSafeFlag';
  readonly buffer: SharedArrayBuffer;
}

// word 5 is not used by a flag
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
 * - The claim ends with the wait, synchronously: a wait begun right after an abort or a
 *   timeout (same turn, or on another thread) is not refused with `FlagInUse`.
 * - `close()` (either thread, or `watchWorker` on worker exit) makes waits fail with `ClosedError`,
 *   once a set made before it has been consumed. A closed flag ignores the claim (a worker that
 *   died inside `waitSync()` never released its own): the set is delivered to one wait.
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
  /** The pending async wait's signal and timer: handled here, not by addWaiter, so that the claim goes in the same step. */
  private _signal!: AbortSignalLike | null;
  private _timer!: ReturnType<typeof setTimeout> | undefined;
  private _onAbort!: { handleEvent(): void };
  private _onTimeout!: () => void;

  /** A new, clear flag (TypeError with an argument). Allocates one 64-byte SharedArrayBuffer. */
  constructor() {
    construct(this, ThreadSafeFlag, arguments.length, 0, 'ThreadSafeFlag');
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
    this._signal = null;
    this._timer = undefined;
    this._onAbort = { handleEvent: () => this._cancel(null) };
    this._onTimeout = () => {
      this._timer = undefined; // fired: nothing to clear
      this._cancel(new TimeoutError('the wait timed out'));
    };
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
    const aborted = options === undefined ? null : begin(options, 'ThreadSafeFlag.wait'); // an aborted wait consumes, takes and puts nothing
    if (aborted !== null) return aborted;
    const w = this._w;
    if (Atomics.load(w, W_CLOSED) !== 0) {
      // Closed: no claim needed (see closedWait); a set made before the close goes to one wait.
      return consumeSet(w, W_SETS) ? RESOLVED : Promise.reject(new ClosedError('ThreadSafeFlag.wait: the flag is closed'));
    }
    if (Atomics.compareExchange(w, W_WAITER, 0, 1) !== 0) {
      return Promise.reject(new FlagInUse('ThreadSafeFlag.wait: another task or thread is already waiting on this flag (use ThreadSafeEvent for several waiters)'));
    }
    // The first look: consumes a set (one made before a close() too), or finds the flag
    // closed; else `seen` is the count of sets so far, and a later set moves it.
    const seen = step(w, Atomics.load(w, W_SETS) & ~1);
    if (seen === STEP_RUNG || seen === STEP_CLOSED) {
      Atomics.store(w, W_WAITER, 0);
      return seen === STEP_RUNG ? RESOLVED : Promise.reject(new ClosedError('ThreadSafeFlag.wait: the flag is closed'));
    }
    const p = addWaiter(this._waiters, seen, undefined);
    // however the wait ends, _finish() drops the claim, listener and timer in the same step
    if (options !== undefined) {
      if (options.signal !== undefined) {
        this._signal = options.signal;
        options.signal.addEventListener('abort', this._onAbort);
      }
      if (options.timeout !== undefined) this._timer = setTimeout(this._onTimeout, options.timeout);
    }
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
    if (Atomics.load(w, W_CLOSED) !== 0) {
      if (consumeSet(w, W_SETS)) return; // closed: no claim needed, as in wait()
      throw new ClosedError('ThreadSafeFlag.waitSync: the flag is closed');
    }
    if (Atomics.compareExchange(w, W_WAITER, 0, 1) !== 0) {
      throw new FlagInUse('ThreadSafeFlag.waitSync: another task or thread is already waiting on this flag');
    }
    try {
      if (consumeSet(w, W_SETS)) return;
      const seen = Atomics.load(w, W_SETS) & ~1;
      for (;;) {
        const v = step(w, seen);
        if (v === STEP_RUNG) return;
        if (v === STEP_CLOSED) throw new ClosedError('ThreadSafeFlag.waitSync: the flag is closed');
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
    if (v === STEP_RUNG) {
      this._finish();
      resolveWaiter(x, undefined);
      return;
    }
    if (v === STEP_CLOSED) {
      this._finish();
      rejectWaiter(x, new ClosedError('ThreadSafeFlag.wait: the flag was closed'));
      return;
    }
    this._armed = true;
    whenChanged(w, W_SETS, v, this._onBell);
  }

  /** The signal aborted (`err` null) or the timeout ran out: the pending wait rejects, and nothing of it stays. */
  private _cancel(err: Error | null): void {
    const x = this._waiters.head;
    if (x === null) return;
    if (err === null) {
      const e = new AbortError('the wait was aborted');
      e.reason = (this._signal as AbortSignalLike).reason;
      err = e;
    }
    this._finish();
    rejectWaiter(x, err);
  }

  /**
   * Ends the pending async wait's registrations: its abort listener, its timer, and the claim,
   * released here, synchronously, not in a reaction a microtask later, so that a wait begun
   * right after (the same turn, or another thread) may claim the flag.
   */
  private _finish(): void {
    const signal = this._signal;
    if (signal !== null) {
      this._signal = null;
      signal.removeEventListener('abort', this._onAbort);
    }
    if (this._timer !== undefined) {
      clearTimeout(this._timer);
      this._timer = undefined;
    }
    Atomics.store(this._w, W_WAITER, 0); // release the claim
  }
}

// What `step` found, besides the SETS value to sleep on (always even: the bit is clear).
const STEP_RUNG = 1;
const STEP_CLOSED = 3;

/**
 * One look of a waiter that noted the count `seen`: STEP_RUNG if it consumed a set (a set made
 * before close() is still delivered), or if the count moved while the bit is clear (a set
 * that `clear()` took back still rang it); STEP_CLOSED if closed with nothing to deliver; else
 * the SETS value to sleep on. `lookSets` makes the look consistent with a close().
 */
function step(w: Int32Array, seen: number): number {
  for (;;) {
    const v = lookSets(w, W_SETS);
    if (v === SHUT) return STEP_CLOSED;
    if ((v & 1) !== 0) {
      if (Atomics.compareExchange(w, W_SETS, v, v & ~1) === v) return STEP_RUNG; // consumed
      continue; // the word changed under us: look again
    }
    return v !== seen ? STEP_RUNG : v;
  }
}

// closedWait: on a closed flag, wait() and waitSync() skip the claim and only try to consume
// the bit. A worker that died while waiting never released its claim; the survivors must then
// get a set made before the close (one of them: consumeSet is one compareExchange), else
// ClosedError, never FlagInUse. A live claimant of a closed flag ends at its next step.

function flagBytes(): number {
  return FLAG_BYTES;
}
