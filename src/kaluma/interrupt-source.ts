/**
 * InterruptSource: a pin-change interrupt (`attachInterrupt`) that feeds an event, flag or queue
 * without ever touching an object inside the interrupt.
 */
import {
  checkEdges, checkMs, checkPin, checkRecord, CLOSED, describe, FULL, kindOf, offerRecord, PUT, PutTarget, RecordFn, rejection,
  REJECTED, SetTarget, Target,
} from './target';

/** Edges the interrupt side holds before the main loop collects them; one more is an overrun. */
export const RING = 16;

/** JerryScript's largest direct integer: counters wrap below it, since larger numbers are boxed (allocated). */
const MASK = 0x7ffffff;

/** The interrupt half and its main-loop accessors, all over one closure of primitives. */
interface Recorder {
  /** Handed to attachInterrupt. Touches only the primitive variables of this closure. */
  isr: (pin: number, events: number) => void;
  /** Records written so far (mod 2^27). */
  written(): number;
  /** Records taken by the main loop so far (mod 2^27). */
  taken(): number;
  /** Edges dropped because the ring was full (mod 2^27). */
  overruns(): number;
  /** The edge kind (FALLING 4, RISING 8, both latched 12) of record number `i`. */
  kind(i: number): number;
  /** Marks records up to `r` (exclusive) as taken: their slots are free again. */
  take(r: number): void;
}

/**
 * Builds one recorder. How it works: the interrupt writes the edge kind into slot `w % 16`
 * (one of the primitive variables e0..e15, chosen by a `switch`: indexing an array would touch
 * an object) and then advances `w`; the main loop reads slots `r .. w-1` and then advances `r`.
 * Each index has one writer, so no lock is needed; the ring is full when `w - r == 16`, and an
 * edge that finds it full only increments `over`.
 */
function makeRecorder(): Recorder {
  let w = 0;
  let r = 0;
  let over = 0;
  let e0 = 0;
  let e1 = 0;
  let e2 = 0;
  let e3 = 0;
  let e4 = 0;
  let e5 = 0;
  let e6 = 0;
  let e7 = 0;
  let e8 = 0;
  let e9 = 0;
  let e10 = 0;
  let e11 = 0;
  let e12 = 0;
  let e13 = 0;
  let e14 = 0;
  let e15 = 0;

  // Runs INSIDE the GPIO interrupt on Kaluma. Rule (platform facts): primitive variables only:
  // no member access, no call, no `new`, no `this`, no object/array/function literal, no throw.
  // host-tests/board/isr-rule.test.mjs parses this function and enforces it.
  function isr(_pin: number, events: number): void {
    if (((w - r) & 0x7ffffff) >= 16) {
      over = (over + 1) & 0x7ffffff;
      return;
    }
    switch (w & 15) {
      case 0: e0 = events | 0; break;
      case 1: e1 = events | 0; break;
      case 2: e2 = events | 0; break;
      case 3: e3 = events | 0; break;
      case 4: e4 = events | 0; break;
      case 5: e5 = events | 0; break;
      case 6: e6 = events | 0; break;
      case 7: e7 = events | 0; break;
      case 8: e8 = events | 0; break;
      case 9: e9 = events | 0; break;
      case 10: e10 = events | 0; break;
      case 11: e11 = events | 0; break;
      case 12: e12 = events | 0; break;
      case 13: e13 = events | 0; break;
      case 14: e14 = events | 0; break;
      case 15: e15 = events | 0; break;
    }
    w = (w + 1) & 0x7ffffff; // publish: the main loop sees the record from here on
  }

  function kind(i: number): number {
    switch (i & 15) {
      case 0: return e0;
      case 1: return e1;
      case 2: return e2;
      case 3: return e3;
      case 4: return e4;
      case 5: return e5;
      case 6: return e6;
      case 7: return e7;
      case 8: return e8;
      case 9: return e9;
      case 10: return e10;
      case 11: return e11;
      case 12: return e12;
      case 13: return e13;
      case 14: return e14;
      case 15: return e15;
    }
    return 0;
  }

  return {
    isr: isr,
    written: function () { return w; },
    taken: function () { return r; },
    overruns: function () { return over; },
    kind: kind,
    take: function (n: number) { r = n & MASK; }, // release: the slots are free from here on
  };
}

/**
 * Pins with an attached InterruptSource: the firmware keeps one interrupt callback per pin, so
 * a second `attachInterrupt` would silently replace the first source's, and the first one's
 * `detach()` would then remove the second's.
 */
const pinsInUse: { [pin: number]: boolean } = {};

/** Options of `new InterruptSource(pin, target, options)`. */
export interface InterruptSourceOptions<T> {
  /** FALLING (4), RISING (8) or CHANGE (12, the default). */
  events?: number;
  /**
   * Milliseconds between main-loop collections while a task waits. The default 0 collects at
   * every main-loop iteration on Kaluma (a 0 ms interval is due again at once: one extra call per
   * iteration, only while someone waits); 1 or more trades latency for fewer calls. On Node 0
   * acts as 1.
   */
  pollMs?: number;
  /**
   * True (default): collect only while a task waits on the target or records are pending, and
   * stay idle otherwise; while nobody waits, edges wait in the 16-slot ring. False: collect
   * every `pollMs` while attached, so edges flow into a queue even while the consumer is busy
   * with other awaits.
   */
  idle?: boolean;
  /** Queue targets: maps `(events, index)` to the item put (default: the `events` number). Runs on the main loop. */
  record?: RecordFn<T>;
}

/**
 * A hard-interrupt source: `attachInterrupt(pin, isr, events)` with an `isr` the library builds
 * to touch only primitive variables, so an interrupt that lands during garbage collection cannot
 * crash the firmware. Every edge is recorded in the interrupt (its kind: FALLING 4, RISING 8, or
 * 12 when both latched before the interrupt ran); a main-loop timer turns the records into
 * `target.set()` (ThreadSafeEvent, ThreadSafeFlag: one `set()` per collection) or
 * `target.putSync(record(events, index))` (ThreadSafeQueue: one item per edge, in order).
 *
 * - Latency: the interrupt records within ~30 µs of the edge (Pico, platform facts); the task
 *   wakes at the next collection, one main-loop iteration later with the default `pollMs` 0
 *   (up to `pollMs` ms more otherwise), when that iteration's promise jobs drain. The first
 *   collection after the timer starts comes when Kaluma's ms clock next ticks (up to ~1–2 ms).
 *   Trade-off against WatchSource: every edge is seen, however short (edges closer than the
 *   interrupt latency latch into one record of kind 12), but the wake-up comes one main-loop
 *   step later than the edge.
 * - Overrun: the interrupt side holds 16 records. An edge that finds them all uncollected is
 *   dropped and counted in `overruns()` (never silent). So at most 16 edges per collection
 *   interval get through (per loop iteration with `pollMs` 0, per ms with 1); in practice the
 *   main loop's cost per item (a promise job or two for the consumer) is the tighter limit.
 *   A full queue target leaves records in the ring (retried at the next collection), so a slow
 *   consumer shows up as overruns. A record the queue refuses (an item out of range for its
 *   TypedArray, a `record()` that throws) is dropped and counted in `dropped()`, with the
 *   error in `lastError()`; the source goes on.
 * - Idle: the collecting timer runs only while a task waits on the target, records are pending
 *   or a queue target holds items. The source learns that a task began to wait from the
 *   target's `onwait` hook (one per target: a second idle source on it is a TypeError), and
 *   asks `hasWaiters()` before it stops; a wait that begins collects what is recorded at once.
 *   Waits that began before the source are served too (the timer starts with the source). A
 *   query on the target (`isSet()`, `qsize()`) sees an edge only once it is collected: call
 *   `flush()` first when polling instead of waiting. A target without `onwait`/`hasWaiters`
 *   (not one of the library's primitives) is collected all the time. See `idle`.
 * - The library keeps its own reference to the interrupt function (the firmware over-releases it).
 * - A closed queue target detaches the source. One source per pin (the firmware keeps one
 *   callback per pin): a second InterruptSource on an attached pin is a TypeError. Construct, collect and detach on the main loop.
 *
 * ```js
 * pinMode(15, INPUT_PULLUP);
 * const q = new ThreadSafeQueue(new Array(64));
 * const src = new InterruptSource(15, q, { events: FALLING });
 * q.next().then(function (r) { print('edge', r.value, 'overruns', src.overruns()); });
 * ```
 */
export class InterruptSource<T = number> {
  private _pin: number;
  private _target: any;
  private _put: boolean;
  private _rec: Recorder;
  /** Our own reference to the interrupt function: the firmware releases it once per interrupt. */
  private _isr: (pin: number, events: number) => void;
  private _pollMs: number;
  private _idle: boolean;
  private _record: RecordFn<T> | undefined;
  private _timer: any = null;
  private _delivered = 0;
  private _dropped = 0;
  private _lastError: unknown = undefined;
  private _attached = true;
  /** The target's `onwait` hook is ours (idle mode on a library primitive). */
  private _hooked = false;
  private _tick: () => void;
  private _onwait: () => void;

  /**
   * Attaches at once. Throws TypeError for a bad pin, target, events, pollMs or record (naming
   * it), and passes on the firmware's RangeError for a pin that is not a GPIO; a constructor
   * that throws leaves nothing behind (no hook on the target, no timer, the pin free).
   */
  constructor(pin: number, target: Target<T>, options?: InterruptSourceOptions<T>) {
    const what = 'InterruptSource';
    checkPin(pin, what);
    const kind = kindOf(target, what);
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new TypeError(what + ': options must be an object like { events, pollMs, idle, record }, got ' + describe(options));
    }
    const o: InterruptSourceOptions<T> = options === undefined ? {} : options;
    const events = o.events === undefined ? 12 : o.events;
    checkEdges(events, what);
    const pollMs = o.pollMs === undefined ? 0 : o.pollMs;
    checkMs(pollMs, 'options.pollMs', what);
    checkRecord(o.record, what);
    this._pin = pin;
    this._target = target;
    this._put = kind === PUT;
    this._pollMs = pollMs;
    this._idle = o.idle !== false;
    this._record = o.record;
    this._rec = makeRecorder();
    this._isr = this._rec.isr;
    const self = this;
    this._tick = function () {
      self._collect();
    };
    this._onwait = function () {
      // A task began to wait: hand it what is recorded now, and collect until nobody waits.
      self.flush();
      self._start();
    };
    const t = target as any;
    const hook = this._idle && typeof t.hasWaiters === 'function' && 'onwait' in t;
    if (hook && t.onwait !== null && t.onwait !== undefined) {
      throw new TypeError(what + ': target already has an onwait listener (another source in idle mode feeds it); use one source per target, or idle: false');
    }
    if (!hook) this._idle = false; // a target that cannot say whether anyone waits: collect all the time
    if (pinsInUse[pin] === true) {
      throw new TypeError(what + ': pin ' + pin + ' already has an InterruptSource (the firmware keeps one interrupt per pin); detach() it first');
    }
    // All or nothing: every check and the attach (which throws for a pin that is not a GPIO)
    // come before the first change to the target or the pin table.
    attachInterrupt(pin, this._isr, events);
    pinsInUse[pin] = true;
    if (hook) {
      t.onwait = this._onwait;
      this._hooked = true;
    }
    this._start(); // idle mode too: serves waits begun before the source; stops once nobody waits
  }

  /**
   * Delivers what the interrupt recorded now (main loop only); returns how many records were
   * delivered. Records a full queue cannot take stay pending. Never needed in normal use: the
   * timer and the target's waiting methods call it.
   */
  flush(): number {
    return this._attached ? this._deliver() : 0;
  }

  /** Moves records to the target; a closed queue target discards them and detaches the source. */
  private _deliver(): number {
    const rec = this._rec;
    const w = rec.written();
    let r = rec.taken();
    if (r === w) return 0;
    let n = 0;
    if (!this._put) {
      n = (w - r) & MASK;
      rec.take(w);
      (this._target as SetTarget).set();
    } else {
      const target = this._target as PutTarget<T>;
      const record = this._record;
      while (r !== w) {
        const res = offerRecord(target, record, rec.kind(r), r);
        if (res === FULL) break;
        if (res === CLOSED) {
          this._dropped = (this._dropped + ((w - r) & MASK)) & MASK; // nobody will take them
          rec.take(w);
          this.detach();
          break;
        }
        if (res === REJECTED) {
          // the queue refused this item (or record() threw): drop and count it, keep going
          this._dropped = (this._dropped + 1) & MASK;
          this._lastError = rejection;
        } else {
          n++;
        }
        r = (r + 1) & MASK;
        rec.take(r); // one at a time: a record is taken only once the target has it
      }
    }
    this._delivered = (this._delivered + n) & MASK;
    return n;
  }

  /** Edges recorded by the interrupt since attach, overruns excluded (wraps at 2^27). */
  recorded(): number {
    return this._rec.written();
  }

  /** Edges dropped because 16 records were waiting uncollected (wraps at 2^27); never silent. */
  overruns(): number {
    return this._rec.overruns();
  }

  /** Records made by the interrupt and not yet delivered (0 … 16). */
  pending(): number {
    return (this._rec.written() - this._rec.taken()) & MASK;
  }

  /** Records delivered to the target (items put, or records that led to a `set()`). */
  delivered(): number {
    return this._delivered;
  }

  /**
   * Records recorded but never delivered (wraps at 2^27): an item the queue refused (e.g. out
   * of range for its TypedArray) or `record()` threw on, what a closed queue no longer takes,
   * and what a full queue still held back at `detach()`. So recorded() = delivered() +
   * dropped() + pending(); edges that found the ring full are in overruns().
   */
  dropped(): number {
    return this._dropped;
  }

  /** What the target or `record()` threw for the last dropped record, or undefined. */
  lastError(): unknown {
    return this._lastError;
  }

  /** True until `detach()`. */
  attached(): boolean {
    return this._attached;
  }

  /** True while the collecting timer runs. */
  polling(): boolean {
    return this._timer !== null;
  }

  /**
   * Detaches the interrupt (`detachInterrupt`), delivers what was recorded (what a full queue
   * cannot take is counted in `dropped()`), stops the timer and unhooks the target's `onwait`.
   * Calling it twice does nothing.
   */
  detach(): void {
    if (!this._attached) return;
    detachInterrupt(this._pin);
    pinsInUse[this._pin] = false;
    this._attached = false;
    try {
      this._deliver();
    } finally {
      const left = this.pending();
      if (left !== 0) {
        this._dropped = (this._dropped + left) & MASK;
        this._rec.take(this._rec.written());
      }
      this._stop();
      if (this._hooked && this._target.onwait === this._onwait) this._target.onwait = null;
      this._hooked = false;
    }
  }

  /** Timer body: collect, then stop when idle and nobody waits and nothing is pending. */
  private _collect(): void {
    this.flush();
    if (this._idle && !this._target.hasWaiters() && this.pending() === 0 && !this._ready()) this._stop();
  }

  /**
   * True while a queue target holds items: its consumer is busy and will be back without
   * waiting, so edges keep flowing into the queue instead of piling up in the 16-slot ring.
   */
  private _ready(): boolean {
    const t = this._target;
    return this._put && typeof t.empty === 'function' && !t.empty();
  }

  private _start(): void {
    if (this._timer === null && this._attached) this._timer = setInterval(this._tick, this._pollMs);
  }

  private _stop(): void {
    if (this._timer !== null) {
      clearInterval(this._timer); // never with undefined: it throws on Kaluma
      this._timer = null;
    }
  }
}
