/**
 * TimerSource: a `setInterval` that sets an event/flag or feeds a queue from the main loop.
 */
import {
  checkMs, checkRecord, checkSourceOptions, construct, OFFER_CLOSED, OFFER_FULL, OFFER_REJECTED, kindOf, MSG, offerData, offerRecord, PUT, PutTarget, RecordFn, rejection, MessageTarget, SetTarget, Target,
} from './target';

/** Options of `new TimerSource(target, periodMs, options)`. */
export interface TimerSourceOptions<T> {
  /** Queue and message targets: maps `(0, tick)` to the item put or the data set (default: the tick number, 1, 2, ...). */
  record?: RecordFn<T>;
}

/**
 * A periodic source on the main loop: every `periodMs` a `setInterval` callback calls
 * `target.set()` or `target.putSync(record(0, tick))` directly (the board's "timer interrupt"
 * of the MicroPython examples; Kaluma offers no hardware timer interrupt to JS).
 *
 * - Latency: Kaluma timers have 1 ms resolution and fire at the first loop iteration after they
 *   are due (so up to ~1 ms late; Kaluma counts the first period from the start of the loop
 *   iteration that made the timer, so one made by the top level comes early by however long the
 *   top level had run); the interval keeps its phase and fires in a burst after a stall. A woken task runs when the iteration's promise jobs drain.
 * - A full queue drops the tick and counts it in `dropped()`; a closed queue stops the source.
 *
 * ```js
 * const evt = new ThreadSafeEvent();
 * const tick = new TimerSource(evt, 1000); // evt.set() once a second
 * ```
 */
export class TimerSource<T = number> {
  private _target: any;
  private _put: boolean;
  /** A message target: set(data) with the record's value. */
  private _msg: boolean;
  private _record: RecordFn<T> | undefined;
  private _id: any;
  private _ticks: number;
  private _dropped: number;
  private _lastError: unknown;
  private _cb: () => void;

  /**
   * Starts at once; throws TypeError naming a bad target, periodMs, option or record, RangeError
   * for a period below 0 or above 2147483647 ms, TypeError without `new` or with a fourth argument.
   */
  constructor(target: Target<T>, periodMs: number, options?: TimerSourceOptions<T>) {
    const what = 'TimerSource';
    construct(this, TimerSource, arguments.length, 3, what);
    const kind = kindOf(target, what);
    checkMs(periodMs, 'periodMs', what);
    const o: TimerSourceOptions<T> = checkSourceOptions(options, 'record', what);
    checkRecord(o.record, what);
    this._ticks = 0;
    this._dropped = 0;
    this._lastError = undefined;
    this._target = target;
    this._put = kind === PUT;
    this._msg = kind === MSG;
    this._record = o.record;
    const self = this;
    this._cb = function () {
      self._fire();
    };
    this._id = setInterval(this._cb, periodMs);
  }

  /** Periods elapsed so far (including dropped ticks). */
  ticks(): number {
    return this._ticks;
  }

  /** Ticks not delivered: a full queue could not take them, or it refused them (see `lastError()`). */
  dropped(): number {
    return this._dropped;
  }

  /** What the queue or `record()` threw for the last refused tick, or undefined. */
  lastError(): unknown {
    return this._lastError;
  }

  /** True until `stop()`. */
  running(): boolean {
    return this._id !== null;
  }

  /** Stops the interval; calling it twice does nothing. */
  stop(): void {
    if (this._id === null) return;
    clearInterval(this._id);
    this._id = null;
  }

  private _fire(): void {
    if (this._id === null) return;
    const tick = (this._ticks = (this._ticks + 1) & 0x7ffffff); // wraps at 2^27, as the other counters
    if (!this._put && !this._msg) {
      (this._target as SetTarget).set();
      return;
    }
    // never throws: a throwing timer callback would stop the ticks
    const res = this._msg
      ? offerData(this._target as MessageTarget<T>, this._record, this._record === undefined ? tick : 0, tick)
      : offerRecord(this._target as PutTarget<T>, this._record, this._record === undefined ? tick : 0, tick);
    if (res === OFFER_FULL) this._dropped++;
    else if (res === OFFER_REJECTED) {
      this._dropped++;
      this._lastError = rejection;
    } else if (res === OFFER_CLOSED) this.stop();
  }
}
