/**
 * Internal: how long the consumers have been answered at once since the event loop last turned,
 * and answering one later, at the next turn.
 *
 * Why: on Kaluma (and on Node) promise jobs run until none are left before the loop goes on, so
 * a consumer that always finds an item at once (`for await` over a backlog) keeps timers,
 * `setWatch` callbacks and a timer-driven producer from running for as long as the backlog
 * lasts. `held()` tells a consumer when that has lasted HOLD_MS; it then answers with `later()`.
 * The state is one per program, not per queue: it is the loop that is held.
 */

/** Milliseconds of at-once answers (since the loop last turned) after which consumers yield. */
export const HOLD_MS = 10;

declare const setImmediate: ((fn: () => void) => unknown) | undefined;
/** Kaluma's millisecond clock (a global there; absent elsewhere). */
declare const millis: (() => number) | undefined;

/** A millisecond clock: Kaluma's `millis()` (its Date.now() counts whole seconds), else Date.now; picked on first use. */
let clock: (() => number) | null = null;
/**
 * At-once answers since the loop last turned (as far as we know), and from how many on the
 * time is taken (`from`) and read again (every `every`-th): picked with the clock. On Kaluma an
 * at-once answer costs a promise job (~1 ms), so the time is taken from the first and read at
 * each; on Node an answer costs well under a microsecond, so counting comes first and a burst
 * of answers costs an increment each (the bench's 16-item bursts must not slow down).
 */
let count = 0;
let from = 1;
let every = 1;
/** When the time was taken (clock ms), or -1. */
let t0 = -1;
/** Answers given by `later()` and not yet settled: resolve, value, resolve, value, ... */
let pending: any[] | null = null;

/** Runs from the event loop (scheduled when the time was taken): the loop turned. */
function turn(): void {
  t0 = -1;
  count = 0;
  const p = pending;
  if (p === null) return;
  pending = null;
  for (let i = 0; i < p.length; i += 2) p[i](p[i + 1]);
}

/**
 * Called by a consumer about to answer at once: true when at-once answers have gone on for
 * HOLD_MS since the loop last turned (then answer with `later()`). When it starts timing it
 * schedules `turn` (setImmediate on Node, else a 0 ms timer) to learn when the loop turns.
 * Costs an increment per at-once answer, a clock read per `every` of them once timing, and
 * that one macrotask per loop turn in which timing began.
 */
export function held(): boolean {
  const n = ++count;
  if (n < from) return false;
  if (clock === null) {
    const kaluma = typeof millis === 'function';
    clock = kaluma ? (millis as () => number) : Date.now;
    if (!kaluma) {
      from = 64;
      every = 16;
      if (n < from) return false;
    }
  }
  if (t0 < 0) {
    t0 = clock();
    if (typeof setImmediate === 'function') setImmediate(turn);
    else setTimeout(turn, 0);
    return false;
  }
  return n % every === 0 && clock() - t0 >= HOLD_MS;
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
