/**
 * Internal: how long the consumers have been answered at once since the event loop last turned,
 * and answering one later, at the next turn.
 *
 * Why: on Kaluma (and on Node) promise jobs run until none are left before the loop goes on, so
 * a consumer that always finds an item at once (`for await` over a backlog) keeps timers,
 * `setWatch` callbacks and a timer-driven producer from running for as long as the backlog
 * lasts. `held()` tells a consumer when that has lasted HOLD_MS, and `worth()` whether the
 * stretch is long enough to cut: at least HOLD_ITEMS items (answered at once since the loop
 * turned, plus those still queued), or more than the queue holds. The consumer then answers with
 * `later()`.
 *
 * Why the item floor: where one item costs milliseconds (Espruino: ~4 ms a `next()` and its
 * `.then`; Kaluma ~3 ms), 10 ms is one to three items. Cutting every batch that small costs a
 * loop turn per two or three items and starves the consumer against a producer that does not
 * yield: the echo demo on Espruino's RP2040 port went from 10.5 s to 37.4 s per 1000 items (its
 * timer moves 9 items per turn; the consumer took 2 and waited for the next turn). A batch a
 * small queue holds (fewer than HOLD_ITEMS) ends the drain by itself soon; a long backlog or a
 * producer feeding the consumer inside the drain does not, and that is what gets cut.
 * The state is one per program, not per queue: it is the loop that is held.
 */
/** Milliseconds of at-once answers (since the loop last turned) after which consumers yield. */
export const HOLD_MS = 10;
/** Items a stretch of at-once answers must cover (answered plus still queued) before consumers yield. */
export const HOLD_ITEMS = 16;

declare const setImmediate: ((fn: () => void) => unknown) | undefined;
/** Kaluma's millisecond clock (a global there; absent elsewhere). */
declare const millis: (() => number) | undefined;
/** Espruino's clock in seconds (a global there; absent elsewhere): tells Espruino's interpreter from a JIT engine. */
declare const getTime: (() => number) | undefined;

/** A millisecond clock: Kaluma's `millis()` (its Date.now() counts whole seconds), else Date.now; picked on first use. */
let clock: (() => number) | null = null;
/**
 * At-once answers since the loop last turned (as far as we know), and at which of them the
 * clock is next looked at (`due`; then every `step`-th, from the `from`-th): picked with the
 * clock. On Kaluma and Espruino an at-once answer costs a promise job (~1 ms), so the time is
 * taken from the first and read at each (and `count` is the answers since the loop turned); on
 * Node an answer costs well under a microsecond, so counting comes first (from the 64th, every
 * 16th) and a burst of answers costs an increment each (the bench's 16-item bursts must not slow
 * down; `count` is past HOLD_ITEMS by the time it yields). Espruino interprets the source text,
 * so `held()` is kept to the few statements of the common path.
 */
let count = 0;
let due = 1;
let from = 1;
let step = 1;
/** When the time was taken (clock ms), or -1. */
let t0 = -1;
/** Answers given by `later()` and not yet settled: resolve, value, resolve, value, ... */
let pending: any[] | null = null;

/** Runs from the event loop (scheduled when the time was taken): the loop turned. */
function turn(): void {
  t0 = -1;
  count = 0;
  due = from;
  const p = pending;
  if (p === null) return;
  pending = null;
  for (let i = 0; i < p.length; i += 2) p[i](p[i + 1]);
}

/**
 * Called by a consumer about to answer at once: true when at-once answers have gone on for
 * HOLD_MS since the loop last turned (then ask `worth()`, and answer with `later()`). When it
 * starts timing it schedules `turn` (setImmediate on Node, else a 0 ms timer) to learn when the
 * loop turns. Costs an increment per at-once answer, a clock read per `step` of them once
 * timing, and that one macrotask per loop turn in which timing began.
 */
export function held(): boolean {
  if (++count < due) return false;
  due = count + step;
  if (t0 < 0) return start();
  return (clock as () => number)() - t0 >= HOLD_MS;
}

/** The first look at the clock since the loop turned: takes the time and schedules `turn` (on first use, picks the clock). */
function start(): boolean {
  if (clock === null) {
    const kaluma = typeof millis === 'function';
    clock = kaluma ? (millis as () => number) : Date.now;
    if (!kaluma && typeof getTime !== 'function') {
      // Node (or another JIT engine): count first
      from = due = 64;
      step = 16;
      if (count < from) return false;
    }
  }
  t0 = clock();
  if (typeof setImmediate === 'function') setImmediate(turn);
  else setTimeout(turn, 0);
  return false;
}

/**
 * After `held()` said true: whether the stretch is worth cutting, with `queued` items in a queue
 * of `slots` slots (the item being taken included). It is when the items it covers (answered
 * at once since the loop turned, plus those queued behind this one) are at least HOLD_ITEMS, or
 * more than the queue holds: then a producer feeds the consumer inside the drain, which may
 * never end by itself. A batch that fits the queue and is shorter is taken in one go, and the
 * next look is after those `queued` answers (fewer than HOLD_ITEMS): only an item put since
 * can make the stretch longer, and on Espruino each look costs calls the batch need not pay.
 */
export function worth(queued: number, slots: number): boolean {
  const items = count + queued - 1;
  if (items >= HOLD_ITEMS || items >= slots) return true;
  due = count + queued;
  return false;
}

// The executor of a `later()` promise: a module-level function, not a closure per call.
let kept: ((v: unknown) => void) | null = null;
function keep(resolve: (v: unknown) => void): void {
  kept = resolve;
}

/** A promise that resolves with `value` when the loop has turned (after `held()` said true). Allocates it. */
export function later(value: unknown): Promise<any> {
  const promise = new Promise<any>(keep);
  if (pending === null) pending = [];
  pending.push(kept, value);
  kept = null;
  return promise;
}
