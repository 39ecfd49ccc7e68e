/**
 * InterruptSource: a pin-change interrupt (`attachInterrupt`) that feeds an event, flag or queue
 * without ever touching an object inside the interrupt. The engine that records and delivers is
 * in interrupt-engine.ts; this file is the public class: arguments, attach, queries, detach.
 */
import { makeEngine, MASK } from './interrupt-engine';
import type { Engine, State } from './interrupt-engine';
import { checkEdges, checkMs, checkPin, checkRecord, checkSourceOptions, construct, describe, kindOf, MSG, pinsInUse, PUT, RecordFn, Target } from './target';


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
  /** Queue and message targets: maps `(events, index)` to the item put or the data set (default: the `events` number). Runs on the main loop. */
  record?: RecordFn<T>;
}

/**
 * A hard-interrupt source: `attachInterrupt(pin, isr, events)` with an `isr` the library builds
 * to touch only primitive variables, so an interrupt that lands during garbage collection cannot
 * crash the firmware. Every edge is recorded in the interrupt; a main-loop timer turns the
 * records into `target.set()` (ThreadSafeEvent, ThreadSafeFlag: one `set()` per collection) or
 * `target.putSync(record(events, index))` (ThreadSafeQueue: one item per edge, in order; the
 * item is the edge kind, FALLING 4 or RISING 8, or 12 when both latched before the interrupt ran)
 * or `target.set(record(events, index))` of the newest record (ThreadSafeMessage: one per collection).
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
  /** The engine's main-loop state: the queries read its counters directly. */
  private _s: State;
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
    const holder = pinsInUse[pin];
    if (holder !== undefined) {
      throw new TypeError(what + ': pin ' + pin + ' already has an ' + holder + ' (the firmware keeps one interrupt per pin); detach() it first');
    }
    const self = this;
    const put = kind === PUT;
    const max = put && typeof t.qsize === 'function' && typeof t.maxsize === 'function' ? t.maxsize() : -1;
    // A queue with a drop policy takes every record (dropping per its policy): no room to ask for
    const drops = put && typeof t.overflow === 'function' && typeof t.dropped === 'function' && t.overflow() !== 'reject';
    const batch: any[] = new Array(!put ? 0 : max > 0 && max < 64 ? max : 64);
    for (let i = 0; i < batch.length; i++) batch[i] = events; // one edge kind and no record(): never rewritten
    // In this order on purpose: JerryScript (Kaluma) has no property lookup cache and finds the
    // most recently created property first, so what every tick and delivery reads comes last.
    const state: State = {
      onClosed: function () {
        self.detach();
      },
      pollMs: pollMs,
      lastError: undefined,
      dropped: 0,
      ending: false,
      waitable: hook,
      holds: put && typeof t.empty === 'function',
      closable: put && typeof t.closed === 'function',
      timer: null,
      max: drops ? -1 : max,
      drops: drops,
      many: typeof t.putManySync === 'function',
      record: o.record,
      single: events === 12 ? 0 : events,
      batch: batch,
      busy: false,
      empty: 0,
      target: t,
      delivered: 0,
      msg: kind === MSG,
      put: put,
    };
    const e = makeEngine(state);
    this._attached = true;
    this._pin = pin;
    this._target = t;
    this._e = e;
    this._s = state;
    this._isr = e.isr;
    this._hooked = hook;
    // The firmware throws here for a pin that is not a GPIO: nothing of this source exists yet.
    attachInterrupt(pin, this._isr, events);
    pinsInUse[pin] = what;
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
    return this._e.written();
  }

  /** Edges dropped because 64 CHANGE records were waiting uncollected (wraps at 2^27); 0 for RISING or FALLING alone. */
  overruns(): number {
    return this._e.overruns();
  }

  /** Records made by the interrupt and not yet delivered (0 … 64 with CHANGE). */
  pending(): number {
    const e = this._e;
    return (e.written() - e.taken()) & MASK;
  }

  /** Records delivered to the target (items put, or records that led to a `set()`). */
  delivered(): number {
    const s = this._s;
    // An event/flag target: every record taken led to a set(), bar those dropped at detach(); the
    // collecting timer keeps no count of its own on that wake-up path (one less access an edge).
    return s.put || s.msg ? s.delivered : (this._e.taken() - s.dropped) & MASK;
  }

  /**
   * Records recorded but never delivered (wraps at 2^27): an item the queue refused (e.g. out
   * of range for its TypedArray) or `record()` threw on, what a closed queue no longer takes,
   * and what a full queue still held back at `detach()`. So recorded() = delivered() +
   * dropped() + pending(); edges that found the ring full are in overruns().
   */
  dropped(): number {
    return this._s.dropped;
  }

  /** What the target or `record()` threw for the last dropped record, or undefined. */
  lastError(): unknown {
    return this._s.lastError;
  }

  /** True until `detach()`. */
  attached(): boolean {
    return this._attached;
  }

  /** True while the collecting timer runs. */
  polling(): boolean {
    return this._s.timer !== null;
  }

  /**
   * Detaches the interrupt (`detachInterrupt`), delivers what was recorded (what a full queue
   * cannot take is counted in `dropped()`), stops the timer and unhooks the target's `onwait`.
   * Calling it twice does nothing.
   */
  detach(): void {
    if (!this._attached) return;
    detachInterrupt(this._pin);
    pinsInUse[this._pin] = undefined;
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
