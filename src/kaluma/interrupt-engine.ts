/**
 * Internal: the engine of an InterruptSource: the function handed to `attachInterrupt`, which
 * records edges in primitive variables only, and the main-loop side that collects the records
 * and delivers them to the target.
 */
import { RecordFn } from './target';

/** Edges a CHANGE source holds before the main loop collects them; one more is an overrun. */
export const RING = 64;

/** JerryScript's largest direct integer: counters wrap below it, since larger numbers are boxed (allocated). */
export const MASK = 0x7ffffff;

/** The interrupt function and the main-loop side of one source, all over one closure. */
export interface Engine {
  /** Handed to attachInterrupt. Touches only primitive variables of the closure. */
  isr: (pin: number, events: number) => void;
  /** Moves what is recorded now to the target; returns how many records were delivered. */
  deliver: () => number;
  /** Starts the collecting timer (also the target's `onwait` hook). */
  start: () => void;
  /** After detach: counts what is still pending as dropped and stops the timer (at once, or when the running delivery ends). */
  end: () => void;
  /** Records made by the interrupt so far (the index it writes next; wraps at 2^27). */
  written: () => number;
  /** Records the main loop has taken so far (delivered or dropped; wraps at 2^27). */
  taken: () => number;
  /** CHANGE edges that found the ring full (wraps at 2^27). */
  overruns: () => number;
}

/** The main-loop state of one source: read into locals once per collection, never per record. */
export interface State {
  target: any;
  /** A queue target (putSync), else an event/flag/message (set). */
  put: boolean;
  /** A message target: each collection set()s it with the latest record's value. */
  msg: boolean;
  /** The edge kind of every record when the source listens to RISING or FALLING alone, else 0. */
  single: number;
  record: RecordFn<any> | undefined;
  pollMs: number;
  // What the target offers, looked up once (duck typing: any `set()` or `putSync()` target works):
  /** The queue target's capacity (`maxsize()`, fixed for a queue's life), or -1 without qsize/maxsize. */
  max: number;
  /** The queue has a drop policy (`overflow()` not 'reject'): what it drops counts in `dropped`. */
  drops: boolean;
  /** The target has `putManySync()` (a library queue); else one `putSync()` per item. */
  many: boolean;
  /** The target has `closed()`: a closed queue detaches the source. */
  closable: boolean;
  /** The source is hooked to the target's `onwait` and stops its timer while nobody waits. */
  waitable: boolean;
  /** The target has `empty()`: an idle source keeps collecting while the queue holds items. */
  holds: boolean;
  /** The batch of items for one put (allocated once, up to 64 slots); unused for an event or flag. */
  batch: any[];
  // Counters and state, read by the source's queries:
  /** Records delivered to a queue or message target; an event/flag target keeps it 0 (the source derives its count from `taken()` and `dropped`). */
  delivered: number;
  dropped: number;
  lastError: unknown;
  /** The collecting timer's id, or null while it is stopped. */
  timer: any;
  /** Empty ticks, mod 8: the idle and closed checks run every 8th. */
  empty: number;
  /** A delivery runs (deliver() is not re-entered). */
  busy: boolean;
  /** detach() was called during a delivery: finish when it ends. */
  ending: boolean;
  /** Called when the queue target turns out closed: the source detaches. */
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
 * Why the closure holds these numbers and nothing else: JerryScript looks a closure variable up
 * by name in its scope, at about 50 µs per access with 30 names there against 8 µs with a few
 * (measured on the firmware), and the interrupt pays that cost on every edge.
 */
export function makeEngine(state: State): Engine {
  // Declared coldest first: JerryScript finds a closure variable by searching the scope from the
  // most recently declared name, so the last ones cost ~7 µs an access and the first of these
  // ~20 names ~18 µs (a parameter counts as declared first; measured on the firmware). `w` is
  // touched by the interrupt on every edge and, with `r` and `s`, by the collecting timer at
  // every loop iteration.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  let over = 0;
  const s = state;
  let r = 0;
  let w = 0;

  // Run INSIDE the GPIO interrupt on Kaluma. The rule (docs/platform.md): primitive variables
  // only: no member access, no call, no `new`, no `this`, no object/array/function literal, no
  // throw, no compound assignment to these closure variables (it takes a reference on their scope
  // object). Counting up is `(x - 0x7ffffff) & 0x7ffffff`: x + 1 modulo 2^27 without `x + 1`
  // reaching 2^27, a number JerryScript would allocate. host-tests/board/isr-rule.test.mjs parses
  // both functions and enforces the rule; host-tests/firmware/isr-soak.test.mjs watches them on
  // the firmware take no reference and allocate nothing.
  function count(): void {
    w = (w - 0x7ffffff) & 0x7ffffff; // publish: the main loop sees the record from here on
  }
  function ring(_pin: number, events: number): void {
    if (((w - r) & 0x7ffffff) >= 64) {
      over = (over - 0x7ffffff) & 0x7ffffff;
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
    w = (w - 0x7ffffff) & 0x7ffffff; // publish: the main loop sees the record from here on
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
      if (s.msg) {
        // A message keeps the latest data: one set(record of the newest edge) per collection.
        const x = (end - 1) & MASK;
        const q = (x >> 3) & 7;
        const word = q < 4 ? (q < 2 ? (q === 0 ? s0 : s1) : q === 2 ? s2 : s3) : q < 6 ? (q === 4 ? s4 : s5) : q === 6 ? s6 : s7;
        const kind = s.single !== 0 ? s.single : ((word >> ((x & 7) << 1)) & 3) << 2;
        let data: any = kind;
        if (s.record !== undefined) {
          try {
            data = s.record(kind, x);
          } catch (e) {
            s.lastError = e; // record() threw: this collection's records are dropped
            r = end & MASK;
            s.dropped = (s.dropped + n) & MASK;
            return 0;
          }
        }
        r = end & MASK;
        s.delivered = (s.delivered + n) & MASK;
        target.set(data);
        return n;
      }
      r = end & MASK; // release: the slots are free from here on (numeric by construction: host-tests/board/isr-check.mjs)
      target.set(); // one set() per collection: the flag/event is a bit (delivered() counts from r)
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
    const d0 = s.drops ? target.dropped() : 0; // the queue's own count of what its policy dropped
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
    if (s.drops) bad += (target.dropped() - d0) & MASK; // the policy's drops count as this source's
    s.delivered = (s.delivered + j - bad) & MASK;
    if (bad !== 0) s.dropped = (s.dropped + bad) & MASK;
    return j - bad;
  }

  // The collecting timer, at every loop iteration while it runs: deliver, or, every 8th empty
  // tick, detach once the queue is closed or stop once idle (nobody waits, nothing pending, an
  // empty queue). An empty tick touches a few primitives and asks the target (two calls, ~0.2 ms
  // on Kaluma) every 8th time: a stop comes at most 8 iterations late, and a task waiting for a
  // rare edge costs the loop little.
  // Closure variables are read into locals once: JerryScript looks each closure access up by
  // name in this scope (~20 names here: tens of µs per access on Kaluma).
  function tick(): void {
    const end = w;
    const st = s;
    if (r !== end) {
      if (st.put || st.msg) deliver();
      else {
        // An event or flag: the wake-up path, inline (a call costs ~50 µs on Kaluma); no count
        // kept here: the source's delivered() is what was taken less what detach() dropped.
        r = end & MASK; // release (numeric by construction: host-tests/board/isr-check.mjs)
        st.target.set();
      }
    } else if ((st.empty = (st.empty + 1) & 7) === 0) {
      if (st.closable && st.target.closed()) st.onClosed(); // closed with nothing pending: detach now, not at the next edge
      else if (st.waitable && !st.target.hasWaiters() && !(st.holds && !st.target.empty())) stop();
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
    written: function () {
      return w;
    },
    taken: function () {
      return r;
    },
    overruns: function () {
      return over;
    },
  };
}
