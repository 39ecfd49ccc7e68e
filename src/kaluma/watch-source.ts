/**
 * WatchSource: a debounced `setWatch` on a pin that sets an event/flag or feeds a queue from
 * the main loop.
 */
import {
  checkEdges, checkMs, checkPin, checkRecord, checkSourceOptions, construct, OFFER_CLOSED, OFFER_FULL, OFFER_REJECTED, kindOf, MSG, offerData, offerRecord, PUT, PutTarget, RecordFn, rejection,
  MessageTarget, SetTarget, Target,
} from './target';

/** Options of `new WatchSource(pin, target, options)`. */
export interface WatchSourceOptions<T> {
  /** FALLING (4), RISING (8) or CHANGE (12, the default). */
  events?: number;
  /** Milliseconds the pin must stay at its new level before the edge counts (default 0; 10–50 for a button). */
  debounce?: number;
  /** Queue and message targets: maps `(events, index)` to the item put or the data set (default: the `events` number: 4 or 8). */
  record?: RecordFn<T>;
}

/**
 * A main-loop pin source: Kaluma polls the pin once per loop iteration (`setWatch`) and the
 * callback, on the main loop, calls `target.set()` or `target.putSync(record(events, index))`
 * directly. Nothing runs inside an interrupt, so there are no interrupt hazards at all.
 *
 * - Latency: one main-loop iteration after the edge (~0.1 ms median, ~2 ms worst on a Pico:
 *   docs/platform.md) plus `debounce`; a woken task runs when the iteration's promise jobs drain.
 *   Trade-off against InterruptSource: no interrupt hazards and a debounce for free, but an edge
 *   (or pulse) shorter than one loop iteration is missed, and a busy loop misses more.
 * - With CHANGE the kind of each edge is read back from the pin level (RISING when it reads 1).
 * - A full queue drops the item and counts it in `dropped()` (never silent). A closed queue
 *   detaches the source.
 *
 * ```js
 * pinMode(14, INPUT_PULLUP);
 * const pressed = new ThreadSafeEvent();
 * const button = new WatchSource(14, pressed, { events: FALLING, debounce: 20 });
 * pressed.wait().then(function () { print('pressed'); });
 * ```
 */
export class WatchSource<T = number> {
  private _pin: number;
  private _target: any;
  private _put: boolean;
  /** A message target: set(data) with the record's value. */
  private _msg: boolean;
  private _events: number;
  private _record: RecordFn<T> | undefined;
  private _id: any;
  private _seen: number;
  private _dropped: number;
  private _lastError: unknown;
  /** Our own reference to the watch callback. */
  private _cb: (pin: number) => void;

  /**
   * Starts watching at once; throws TypeError naming a bad target, option, events, debounce or
   * record, RangeError for a pin that is not a GPIO 0..29, TypeError without `new` or with a
   * fourth argument.
   */
  constructor(pin: number, target: Target<T>, options?: WatchSourceOptions<T>) {
    const what = 'WatchSource';
    construct(this, WatchSource, arguments.length, 3, what);
    checkPin(pin, what);
    const kind = kindOf(target, what);
    const o: WatchSourceOptions<T> = checkSourceOptions(options, 'events, debounce, record', what);
    const events = o.events === undefined ? 12 : o.events;
    checkEdges(events, what);
    const debounce = o.debounce === undefined ? 0 : o.debounce;
    checkMs(debounce, 'options.debounce', what);
    checkRecord(o.record, what);
    this._id = null;
    this._seen = 0;
    this._dropped = 0;
    this._lastError = undefined;
    this._pin = pin;
    this._target = target;
    this._put = kind === PUT;
    this._msg = kind === MSG;
    this._events = events;
    this._record = o.record;
    const self = this;
    this._cb = function () {
      self._edge();
    };
    this._id = setWatch(this._cb, pin, events, debounce);
  }

  /** Edges seen by the watch (including dropped ones). */
  seen(): number {
    return this._seen;
  }

  /** Items not delivered: a full queue could not take them, or it refused them (see `lastError()`). */
  dropped(): number {
    return this._dropped;
  }

  /** What the queue or `record()` threw for the last refused item, or undefined. */
  lastError(): unknown {
    return this._lastError;
  }

  /** True until `detach()`. */
  attached(): boolean {
    return this._id !== null;
  }

  /** Stops watching (`clearWatch`); calling it twice does nothing. */
  detach(): void {
    if (this._id === null) return;
    clearWatch(this._id);
    this._id = null;
  }

  /** The watch callback: runs on the main loop. */
  private _edge(): void {
    if (this._id === null) return;
    const index = this._seen;
    this._seen = (index + 1) & 0x7ffffff; // wraps at 2^27: larger numbers are boxed on JerryScript
    if (!this._put && !this._msg) {
      (this._target as SetTarget).set();
      return;
    }
    let events = this._events;
    if (events === 12) events = digitalRead(this._pin) ? 8 : 4;
    // never throws: Kaluma drops a watch whose callback throws
    const res = this._msg
      ? offerData(this._target as MessageTarget<T>, this._record, events, index)
      : offerRecord(this._target as PutTarget<T>, this._record, events, index);
    if (res === OFFER_FULL) this._dropped++;
    else if (res === OFFER_REJECTED) {
      this._dropped++;
      this._lastError = rejection;
    } else if (res === OFFER_CLOSED) this.detach();
  }
}
