/**
 * InterruptSource: a pin-change interrupt (`attachInterrupt`) that feeds an event, flag or queue
 * without ever touching an object inside the interrupt.
 */
import { checkEdges, checkMs, checkPin, checkRecord, checkSourceOptions, construct, describe, kindOf, PUT, RecordFn, Target } from './target';

/** Edges a CHANGE source holds before the main loop collects them; one more is an overrun. */
export const RING = 64;

/** JerryScript's largest direct integer: counters wrap below it, since larger numbers are boxed (allocated). */
const MASK = 0x7ffffff;

/** The interrupt function and the main-loop side of one source, all over one closure. */
interface Engine {
  /** Handed to attachInterrupt. Touches only primitive variables of the closure. */
  isr: (pin: number, events: number) => void;
  /** Moves what is recorded now to the target; returns how many records were delivered. */
  deliver: () => number;
  /** Starts the collecting timer (also the target's `onwait` hook). */
  start: () => void;
  /** Counters and state for the queries: see Q_*. */
  q: (what: number) => any;
  /** After detach: counts what is still pending as dropped and stops the timer (at once, or when the running delivery ends). */
  end: () => void;
}

const Q_WRITTEN = 0;
const Q_TAKEN = 1;
const Q_OVER = 2;
const Q_DELIVERED = 3;
const Q_DROPPED = 4;
const Q_ERROR = 5;
const Q_POLLING = 6;

/** The main-loop state of one source: read into locals once per collection, never per record. */
interface State {
  target: any;
  /** A queue target (putSync), else an event/flag (set). */
  put: boolean;
  /** The edge kind of every record when the source listens to RISING or FALLING alone, else 0. */
  single: number;
  record: RecordFn<any> | undefined;
  pollMs: number;
  /** What the target offers, looked up once (duck typing: any `set()` or `putSync()` target works). */
  /** The queue target's capacity (`maxsize()`, fixed for a queue's life), or -1 without qsize/maxsize. */
  max: number;
  /** The batch of items for one put (allocated once, up to 64 slots); unused for an event or flag. */
  batch: any[];
  /** The target has `putManySync()` (a library queue); else one `putSync()` per item. */
  many: boolean;
  closable: boolean;
  waitable: boolean;
  holds: boolean;
  delivered: number;
  dropped: number;
  lastError: unknown;
  timer: any;
  /** Empty ticks, mod 8: the idle check runs every 8th. */
  empty: number;
  /** A delivery runs (deliver() is not re-entered). */
  busy: boolean;
  /** detach() was called during a delivery: finish when it ends. */
  ending: boolean;
  onClosed: () => void;
}

/** putManySync() for a target that has only putSync(): puts until one throws; returns how many went in. */
function putEach(target: any, items: any[], k: number): number {
  let i = 0;
  try {
    for (; i < k; i++) target.putSync(items[i]);
  } catch (e) {
    // the caller learns why from putSync(items[i]) again
  }
  return i;
}

/**
 * Builds one source's engine. How it works: the interrupt appends a record and advances `w`;
 * the main loop delivers records `r .. w-1` and advances `r`. Each index has one writer, so no
 * lock is needed.
 * - RISING or FALLING alone: every record is the same edge kind, so the interrupt only counts
 *   (`w`); nothing is ever overrun, a backlog is just a larger count.
 * - CHANGE: the interrupt also stores the edge kind (FALLING 4, RISING 8, both 12, as a 2-bit
 *   code) into slot `w % 64` of eight 16-bit words `s0`..`s7` (8 slots each): arithmetic
 *   on primitives, where indexing an array would touch an object. The ring is full when
 *   `w - r == 64`; an edge that finds it full only increments `over`.
 * Delivery runs only from the collecting timer (or an explicit `flush()`), never from inside a
 * wait, and takes only what was recorded when it began: so each main-loop iteration does a
 * bounded amount of work, and a steady stream of edges can never keep the promise-job drain
 * from returning to the loop (Kaluma drains jobs until none are left).
 * Why the closure holds five numbers and nothing else: JerryScript looks a closure variable up
 * by name in its scope, at about 50 µs per access with 30 names there against 8 µs with a few
 * (measured on the firmware), and the interrupt pays that cost on every edge.
 */
function makeEngine(s: State): Engine {
  let w = 0;
  let r = 0;
  let over = 0;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;

  // Run INSIDE the GPIO interrupt on Kaluma. Rule (platform facts): primitive variables only:
  // no member access, no call, no `new`, no `this`, no object/array/function literal, no throw.
  // host-tests/board/isr-rule.test.mjs parses both functions and enforces it.
  function count(): void {
    w = (w + 1) & 0x7ffffff; // publish: the main loop sees the record from here on
  }
  function ring(_pin: number, events: number): void {
    if (((w - r) & 0x7ffffff) >= 64) {
      over = (over + 1) & 0x7ffffff;
      return;
    }
    const sh = (w & 7) << 1;
    const keep = 0xffff ^ (3 << sh);
    const code = ((events >> 2) & 3) << sh;
    const q = (w >> 3) & 7; // which word: three comparisons, where a switch would test up to eight
    if (q < 4) {
      if (q < 2) {
        if (q === 0) s0 = (s0 & keep) | code;
        else s1 = (s1 & keep) | code;
      } else if (q === 2) s2 = (s2 & keep) | code;
      else s3 = (s3 & keep) | code;
    } else if (q < 6) {
      if (q === 4) s4 = (s4 & keep) | code;
      else s5 = (s5 & keep) | code;
    } else if (q === 6) s6 = (s6 & keep) | code;
    else s7 = (s7 & keep) | code;
    w = (w + 1) & 0x7ffffff; // publish: the main loop sees the record from here on
  }

  // One delivery at a time: record() or a target may call flush() or detach() while a
  // delivery runs; the inner call then does nothing, and a detach() is finished (the rest
  // counted as dropped, the timer stopped) when the running delivery ends.
  function deliver(): number {
    if (s.busy) return 0;
    s.busy = true;
    try {
      return collect();
    } finally {
      s.busy = false;
      if (s.ending) finish();
    }
  }

  /** After detach(): what is left is counted as dropped; the timer stops. */
  function finish(): void {
    s.ending = false;
    const left = (w - r) & MASK;
    s.dropped = (s.dropped + left) & MASK;
    r = (r + left) & MASK;
    stop();
  }

  function collect(): number {
    const end = w; // what is recorded now; later edges wait for the next collection
    if (r === end) return 0;
    const target = s.target;
    if (!s.put) {
      const n = (end - r) & MASK;
      r = end & MASK; // release: the slots are free from here on (numeric by construction: host-tests/board/isr-check.mjs)
      s.delivered = (s.delivered + n) & MASK;
      target.set(); // one set() per collection: the flag/event is a bit
      return n;
    }
    if (s.closable && target.closed()) {
      s.dropped = (s.dropped + ((end - r) & MASK)) & MASK; // nobody will take them
      r = end & MASK;
      s.onClosed();
      return 0;
    }
    const single = s.single;
    const record = s.record;
    const batch = s.batch;
    const cap = batch.length;
    // Room is asked once per collection (one call), not once per item.
    const room = s.max >= 0 ? s.max - target.qsize() : MASK;
    let todo = (end - r) & MASK;
    if (todo > room) todo = room;
    let j = 0; // records handled (delivered or dropped) in this collection
    let bad = 0;
    // The items go in a batch at a time: built in `batch` (with one edge kind and no record()
    // it already holds that kind in every slot), then one putManySync() call, not one putSync()
    // per item (a call costs ~50 µs on Kaluma, the copy inside ~20 µs an item).
    while (j < todo) {
      let k = todo - j;
      if (k > cap) k = cap;
      let threw = false;
      if (single === 0 || record !== undefined) {
        for (let b = 0; b < k; b++) {
          const x = (r + j + b) & MASK;
          const q = (x >> 3) & 7;
          const word = q < 4 ? (q < 2 ? (q === 0 ? s0 : s1) : q === 2 ? s2 : s3) : q < 6 ? (q === 4 ? s4 : s5) : q === 6 ? s6 : s7;
          const kind = single !== 0 ? single : ((word >> ((x & 7) << 1)) & 3) << 2;
          if (record === undefined) batch[b] = kind;
          else {
            try {
              batch[b] = record(kind, x);
            } catch (e) {
              s.lastError = e; // record() threw: this record is dropped after the ones before it go in
              threw = true;
              k = b;
              break;
            }
          }
        }
      }
      const p = k === 0 ? 0 : s.many ? target.putManySync(batch, 0, k) : putEach(target, batch, k);
      j += p;
      if (p < k) {
        // It stopped at an item it could not put: putSync() says why. A full queue keeps the
        // record for the next collection; an item the queue refuses is dropped and counted.
        try {
          target.putSync(batch[p]);
        } catch (e) {
          if (e !== null && typeof e === 'object' && (e as any).name === 'QueueFull') break;
          bad++;
          s.lastError = e;
        }
        j++;
      } else if (threw) {
        bad++;
        j++;
      }
      if (record !== undefined) for (let b = 0; b < k; b++) batch[b] = void 0; // the queue holds them now
    }
    r = (r + j) & MASK; // release: a record is taken only once the target has it (or refused it)
    s.delivered = (s.delivered + j - bad) & MASK;
    if (bad !== 0) s.dropped = (s.dropped + bad) & MASK;
    return j - bad;
  }

  // The collecting timer, at every loop iteration while it runs: deliver, or stop once idle
  // (nobody waits, nothing pending, an empty queue). An empty tick touches a few primitives
  // and asks the target (two calls, ~0.2 ms on Kaluma) every 8th time: a stop comes at most 8
  // iterations late, and a task waiting for a rare edge costs the loop little.
  function tick(): void {
    if (r !== w) {
      if (s.put) deliver();
      else {
        // An event or flag: the wake-up path, inline (a call costs ~50 µs on Kaluma).
        const n = (w - r) & MASK;
        r = (r + n) & MASK;
        s.delivered = (s.delivered + n) & MASK;
        s.target.set();
      }
    }
    else if ((s.empty = (s.empty + 1) & 7) === 0) {
      if (s.closable && s.target.closed()) s.onClosed(); // closed with nothing pending: detach now, not at the next edge
      else if (s.waitable && !s.target.hasWaiters() && !(s.holds && !s.target.empty())) stop();
    }
  }

  function start(): void {
    if (s.timer === null) s.timer = setInterval(tick, s.pollMs);
  }

  function stop(): void {
    if (s.timer !== null) {
      clearInterval(s.timer); // never with undefined: it throws on Kaluma
      s.timer = null;
    }
  }

  return {
    isr: s.single !== 0 ? count : ring,
    deliver: deliver,
    start: start,
    end: function () {
      if (s.busy) s.ending = true; // detach() from inside a delivery: finished when it ends
      else finish();
    },
    q: function (what: number): any {
      switch (what) {
        case Q_WRITTEN: return w;
        case Q_TAKEN: return r;
        case Q_OVER: return over;
        case Q_DELIVERED: return s.delivered;
        case Q_DROPPED: return s.dropped;
        case Q_ERROR: return s.lastError;
      }
      return s.timer !== null;
    },
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
   * True (default): collect only while a task waits on the target, records are pending or a
   * queue target holds items, and stay idle otherwise. False: collect every `pollMs` while
   * attached.
   */
  idle?: boolean;
  /** Queue targets: maps `(events, index)` to the item put (default: the `events` number). Runs on the main loop. */
  record?: RecordFn<T>;
}

/**
 * A hard-interrupt source: `attachInterrupt(pin, isr, events)` with an `isr` the library builds
 * to touch only primitive variables, so an interrupt that lands during garbage collection cannot
 * crash the firmware. Every edge is recorded in the interrupt; a main-loop timer turns the
 * records into `target.set()` (ThreadSafeEvent, ThreadSafeFlag: one `set()` per collection) or
 * `target.putSync(record(events, index))` (ThreadSafeQueue: one item per edge, in order; the
 * item is the edge kind, FALLING 4 or RISING 8, or 12 when both latched before the interrupt ran).
 *
 * - Collection happens once per main-loop iteration (`pollMs` 0) in a timer callback, and takes
 *   only what was recorded when it began. A task's wait only starts the timer. So the loop is
 *   never starved: timers and `setWatch` keep running under any edge rate, and overload shows
 *   up as counted records, not as a frozen loop.
 * - Consume a queue target in batches: `q.ready()` then `q.getManySync(batch)` takes everything
 *   that has arrived with one promise job (about 1 ms on Kaluma), where `next()` costs a job per
 *   item. `for await` and `next()` still work.
 * - RISING or FALLING alone: the interrupt only counts edges, so none is ever overrun; a slow
 *   consumer shows up as `pending()` growing (delivered as the queue frees up). CHANGE: the
 *   interrupt also keeps each edge's kind in a 64-slot ring; an edge that finds 64 records
 *   uncollected is dropped and counted in `overruns()` (never silent).
 * - A record the queue refuses (an item out of range for its TypedArray, a `record()` that
 *   throws) is dropped and counted in `dropped()`, with the error in `lastError()`; the source
 *   goes on. Always: `recorded() = delivered() + dropped() + pending()`.
 * - Latency: the interrupt records within ~30 µs of the edge; the task wakes at the next
 *   collection, in that iteration's promise jobs. While nobody waits (idle) the timer is
 *   stopped; the first collection after a wait starts it comes at the next tick of Kaluma's
 *   ms clock. Trade-off against WatchSource: every edge is seen, however short, but the wake-up
 *   comes one main-loop step after the edge.
 * - Idle: the source learns that a task began to wait from the target's `onwait` hook (one per
 *   target: a second idle source on it is a TypeError) and asks `hasWaiters()` before it stops.
 *   A query on the target (`isSet()`, `qsize()`) sees an edge only once it is collected: call
 *   `flush()` first when polling instead of waiting. A target without `onwait`/`hasWaiters`
 *   (not one of the library's primitives) is collected all the time.
 * - The library keeps its own reference to the interrupt function (the firmware over-releases it).
 * - A closed queue target detaches the source within 8 loop iterations, edge or no edge (its
 *   `close()` calls `onwait`, which restarts an idle source's timer). One source per pin (the firmware keeps one
 *   callback per pin): a second InterruptSource on an attached pin is a TypeError. Construct,
 *   collect and detach on the main loop.
 *
 * ```js
 * pinMode(15, INPUT_PULLUP);
 * const q = new ThreadSafeQueue(new Array(64));
 * const src = new InterruptSource(15, q, { events: FALLING });
 * const batch = new Array(64);
 * function consume() {
 *   q.ready().then(function () {
 *     const n = q.getManySync(batch);
 *     print(n + ' edges, overruns ' + src.overruns());
 *     consume();
 *   });
 * }
 * consume();
 * ```
 */
export class InterruptSource<T = number> {
  private _pin: number;
  private _target: any;
  private _e: Engine;
  /** Our own reference to the interrupt function: the firmware releases it once per interrupt. */
  private _isr: (pin: number, events: number) => void;
  private _attached: boolean;
  /** The target's `onwait` hook is ours (idle mode on a library primitive). */
  private _hooked: boolean;

  /**
   * Attaches at once, or throws and leaves nothing behind: a TypeError naming a bad target,
   * option, events, pollMs, idle or record, a RangeError for a pin that is not a GPIO 0..29 (the
   * firmware itself does not check attachInterrupt's pin), a TypeError without `new` or with a
   * fourth argument, and whatever attachInterrupt throws.
   */
  constructor(pin: number, target: Target<T>, options?: InterruptSourceOptions<T>) {
    const what = 'InterruptSource';
    construct(this, InterruptSource, arguments.length, 3, what);
    checkPin(pin, what);
    const kind = kindOf(target, what);
    const o: InterruptSourceOptions<T> = checkSourceOptions(options, 'events, pollMs, idle, record', what);
    const events = o.events === undefined ? 12 : o.events;
    checkEdges(events, what);
    const pollMs = o.pollMs === undefined ? 0 : o.pollMs;
    checkMs(pollMs, 'options.pollMs', what);
    checkRecord(o.record, what);
    if (o.idle !== undefined && typeof o.idle !== 'boolean') {
      throw new TypeError(what + ': options.idle must be a boolean, got ' + describe(o.idle));
    }
    const t = target as any;
    const hook = o.idle !== false && typeof t.hasWaiters === 'function' && 'onwait' in t;
    if (hook && t.onwait !== null && t.onwait !== undefined) {
      throw new TypeError(what + ': target already has an onwait listener (another source in idle mode feeds it); use one source per target, or idle: false');
    }
    if (pinsInUse[pin] === true) {
      throw new TypeError(what + ': pin ' + pin + ' already has an InterruptSource (the firmware keeps one interrupt per pin); detach() it first');
    }
    const self = this;
    const put = kind === PUT;
    const max = put && typeof t.qsize === 'function' && typeof t.maxsize === 'function' ? t.maxsize() : -1;
    const batch: any[] = new Array(!put ? 0 : max > 0 && max < 64 ? max : 64);
    for (let i = 0; i < batch.length; i++) batch[i] = events; // one edge kind and no record(): never rewritten
    const e = makeEngine({
      target: t,
      put: put,
      single: events === 12 ? 0 : events,
      record: o.record,
      pollMs: pollMs,
      max: max,
      batch: batch,
      many: typeof t.putManySync === 'function',
      closable: put && typeof t.closed === 'function',
      waitable: hook,
      holds: put && typeof t.empty === 'function',
      delivered: 0,
      dropped: 0,
      lastError: undefined,
      timer: null,
      empty: 0,
      busy: false,
      ending: false,
      onClosed: function () {
        self.detach();
      },
    });
    this._attached = true;
    this._pin = pin;
    this._target = t;
    this._e = e;
    this._isr = e.isr;
    this._hooked = hook;
    // The firmware throws here for a pin that is not a GPIO: nothing of this source exists yet.
    attachInterrupt(pin, this._isr, events);
    pinsInUse[pin] = true;
    if (hook) t.onwait = e.start;
    e.start(); // idle mode too: serves waits begun before the source; stops once nobody waits
  }

  /**
   * Delivers what the interrupt recorded now (main loop only) and returns how many records were
   * delivered; records a full queue cannot take stay pending. Not needed in normal use (the
   * timer collects); call it before a query (`isSet()`, `qsize()`) when polling instead of waiting.
   */
  flush(): number {
    return this._attached ? this._e.deliver() : 0;
  }

  /** Edges recorded by the interrupt since attach, overruns excluded (wraps at 2^27). */
  recorded(): number {
    return this._e.q(Q_WRITTEN);
  }

  /** Edges dropped because 64 CHANGE records were waiting uncollected (wraps at 2^27); 0 for RISING or FALLING alone. */
  overruns(): number {
    return this._e.q(Q_OVER);
  }

  /** Records made by the interrupt and not yet delivered (0 … 64 with CHANGE). */
  pending(): number {
    return (this._e.q(Q_WRITTEN) - this._e.q(Q_TAKEN)) & MASK;
  }

  /** Records delivered to the target (items put, or records that led to a `set()`). */
  delivered(): number {
    return this._e.q(Q_DELIVERED);
  }

  /**
   * Records recorded but never delivered (wraps at 2^27): an item the queue refused (e.g. out
   * of range for its TypedArray) or `record()` threw on, what a closed queue no longer takes,
   * and what a full queue still held back at `detach()`. So recorded() = delivered() +
   * dropped() + pending(); edges that found the ring full are in overruns().
   */
  dropped(): number {
    return this._e.q(Q_DROPPED);
  }

  /** What the target or `record()` threw for the last dropped record, or undefined. */
  lastError(): unknown {
    return this._e.q(Q_ERROR);
  }

  /** True until `detach()`. */
  attached(): boolean {
    return this._attached;
  }

  /** True while the collecting timer runs. */
  polling(): boolean {
    return this._e.q(Q_POLLING);
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
    const e = this._e;
    try {
      e.deliver(); // does nothing when detach() is called from inside a delivery
    } finally {
      e.end();
      if (this._hooked && this._target.onwait === e.start) this._target.onwait = null;
      this._hooked = false;
    }
  }
}
