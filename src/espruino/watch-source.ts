/**
 * WatchSource for Espruino: a `setWatch` on a pin that sets an event/flag or feeds a queue with
 * each edge's state and time, and counts the edges Espruino itself may have lost.
 */
import { checkMs, checkRecord, checkSourceOptions, construct, describe, kindOf, PUT, Target } from '../kaluma/target';
import { RangeErr } from '../args';

/** Maps one edge to the item put: `(state, time, index) => item`, on the main loop. */
export type WatchRecordFn<T> = (state: boolean, time: number, index: number) => T;

/** Options of `new WatchSource(pin, target, options)`. */
export interface WatchSourceOptions<T> {
  /** 'rising', 'falling' or 'both' (the default). */
  edge?: 'rising' | 'falling' | 'both';
  /** Milliseconds the pin must stay at its new level before the edge counts (default 0; 10–50 for a button). */
  debounce?: number;
  /**
   * Queue and message targets: maps `(state, time, index)` to the item put (the data set): `state` the level after the edge
   * (a boolean), `time` when the GPIO interrupt saw it (seconds, getTime()'s clock), `index` the
   * edge's number from 0. Default: the item is `time`.
   */
  record?: WatchRecordFn<T>;
}

/** The attached sources: Espruino's FIFO_FULL report is counted on each of them. */
const attached: WatchSource<any>[] = [];
/** The 'errorFlag' listener is installed once, at the first attach. */
let listening = false;

/**
 * Counts an overrun on every attached source when `flags` (E.getErrorFlags()'s or the
 * 'errorFlag' event's) holds FIFO_FULL: Espruino's event FIFO overflowed, so edges of any
 * watched pin may be lost. Then clears the flags, so that the next overflow is reported again.
 */
function countOverflow(flags: string[]): void {
  if (flags.indexOf('FIFO_FULL') < 0) return;
  for (let i = 0; i < attached.length; i++) (attached[i] as any)._overruns++;
  E.getErrorFlags();
}

/**
 * A pin source for Espruino: `setWatch` (repeat, on `edge`, with `debounce`) whose callback, on
 * the main loop, calls `target.set()` (ThreadSafeEvent, ThreadSafeFlag),
 * `target.set(record(e.state, e.time, index))` (ThreadSafeMessage: a target with `value()`) or
 * `target.putSync(record(e.state, e.time, index))` (ThreadSafeQueue). Espruino's GPIO interrupt
 * stamps each edge (`e.time`, within 2 µs of it on an RP2040) and queues it in Espruino's own
 * event FIFO; the callback runs from the main loop (0.3 ms after the edge at the earliest on an
 * RP2040), so nothing of the library ever runs inside an interrupt.
 *
 * - Overflow is never silent. A queue that is full (or refuses the item, or throws from
 *   `record()`) drops that edge and counts it in `dropped()` (the error in `lastError()`):
 *   always `seen() = delivered + dropped()`. Edges that never reach the callback because
 *   Espruino's event FIFO (shared by every pin and the console input) was full are counted as
 *   `overruns()`: one per time Espruino's FIFO_FULL flag is found set while the source is
 *   attached (its 'errorFlag' event, which comes once the queued edges are handled, or a read
 *   of `E.getErrorFlags()` by `overruns()`), each meaning one or more edges lost. Reading the
 *   flags clears them, all of them: the source does so after each report (and at its first
 *   attach), so that the next overflow is reported again. With `edge: 'both'` a lost edge also shows as two records in a row with the
 *   same `state`.
 * - A closed queue detaches the source (the edge that found it closed counts in `dropped()`).
 * - Per edge it makes no closure and calls one function of the library and the target's
 *   `set()`/`putSync()` (plus `record()` if given); Espruino allocates the event object itself.
 *
 * ```js
 * pinMode(D14, 'input_pullup');
 * var pressed = new threadsafe.ThreadSafeEvent();
 * var button = new threadsafeEspruino.WatchSource(D14, pressed, { edge: 'falling', debounce: 20 });
 * pressed.wait().then(function () { print('pressed'); });
 * ```
 */
export class WatchSource<T = number> {
  private _id: any;
  private _seen: number;
  private _dropped: number;
  private _overruns: number;
  private _lastError: unknown;
  /** Our own reference to the watch callback. */
  private _cb: (e: EspruinoWatchEvent) => void;

  /**
   * Starts watching at once; throws a TypeError naming a bad target, option, edge, debounce or
   * record, a TypeError for a pin that is not a number (Espruino's pins are: D14 === 14), a
   * RangeError for a pin setWatch refuses, a TypeError without `new` or with a fourth argument.
   */
  constructor(pin: number, target: Target<T>, options?: WatchSourceOptions<T>) {
    const what = 'WatchSource';
    construct(this, WatchSource, arguments.length, 3, what);
    if (typeof pin !== 'number') throw new TypeError(what + ': pin must be a pin (D0, D14, ... or its number), got ' + describe(pin));
    const kind = kindOf(target, what);
    const o: WatchSourceOptions<T> = checkSourceOptions(options, 'edge, debounce, record', what);
    const edge = o.edge === undefined ? 'both' : o.edge;
    if (edge !== 'rising' && edge !== 'falling' && edge !== 'both') {
      throw new TypeError(what + ": options.edge must be 'rising', 'falling' or 'both', got " + describe(edge));
    }
    const debounce = o.debounce === undefined ? 0 : o.debounce;
    checkMs(debounce, 'options.debounce', what);
    checkRecord(o.record, what);
    const record = o.record;
    this._seen = 0;
    this._dropped = 0;
    this._overruns = 0;
    this._lastError = undefined;
    const self = this;
    const t: any = target;
    // one callback per kind of target, chosen here so that an edge pays for no test of it
    if (kind === PUT) {
      this._cb = function (e) {
        const i = self._seen++;
        try {
          t.putSync(record === undefined ? e.time : record(e.state, e.time, i));
        } catch (err) {
          self._refused(err); // never rethrown: Espruino would only print it
        }
      };
    } else if (typeof t.value === 'function') {
      // a ThreadSafeMessage (set(data) and value()): the record is its data
      this._cb = function (e) {
        const i = self._seen++;
        try {
          t.set(record === undefined ? e.time : record(e.state, e.time, i));
        } catch (err) {
          self._refused(err);
        }
      };
    } else {
      this._cb = function () {
        self._seen++;
        t.set();
      };
    }
    if (!listening) {
      E.getErrorFlags(); // a flag already set would hide the next overflow
      E.on('errorFlag', countOverflow);
      listening = true;
    }
    this._id = (setWatch as any)(this._cb, pin, { repeat: true, edge: edge, debounce: debounce });
    if (!this._id) throw new RangeErr(what + ': setWatch refused pin ' + pin + ' (not a pin of this board)');
    attached.push(this);
  }

  /** Edges the callback saw (delivered or dropped). */
  seen(): number {
    return this._seen;
  }

  /** Edges not delivered: the queue was full or closed, refused the item, or `record()` threw (see `lastError()`; for a message only the last). */
  dropped(): number {
    return this._dropped;
  }

  /**
   * Times Espruino's event FIFO was found full while attached, each losing one or more edges
   * before the callback. Reads (and clears) E.getErrorFlags() first: Espruino's own report
   * comes only once the backlog of queued edges has been handled. Allocates (main loop only).
   */
  overruns(): number {
    countOverflow(E.getErrorFlags());
    return this._overruns;
  }

  /** What the queue or `record()` threw for the last refused item (QueueFull included), or undefined. */
  lastError(): unknown {
    return this._lastError;
  }

  /** True until `detach()`. */
  attached(): boolean {
    return this._id !== null;
  }

  /** Stops watching (`clearWatch`); edges still in Espruino's FIFO are not delivered. Twice does nothing. */
  detach(): void {
    if (this._id === null) return;
    clearWatch(this._id);
    this._id = null;
    attached.splice(attached.indexOf(this), 1);
  }

  /** An edge the queue did not take: counted; a closed queue detaches the source. */
  private _refused(err: unknown): void {
    this._dropped++;
    this._lastError = err;
    if (err !== null && typeof err === 'object' && (err as any).name === 'QueueClosed') this.detach();
  }
}
