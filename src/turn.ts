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
/** When the first at-once answer since the loop last turned was given (clock ms), or -1. */
let t0 = -1;
/** Answers given by `later()` and not yet settled: resolve, value, resolve, value, ... */
let pending: any[] | null = null;

/** Runs from the event loop (scheduled by the first at-once answer after a turn): the loop turned. */
function turn(): void {
  t0 = -1;
  const p = pending;
  if (p === null) return;
  pending = null;
  for (let i = 0; i < p.length; i += 2) p[i](p[i + 1]);
}

/**
 * Called by a consumer about to answer at once: true when at-once answers have gone on for
 * HOLD_MS since the loop last turned (then answer with `later()`). The first call after a turn
 * schedules `turn` (setImmediate on Node, else a 0 ms timer). Costs a clock read, and that one
 * macrotask per loop turn in which a consumer was answered at once.
 */
export function held(): boolean {
  if (clock === null) clock = typeof millis === 'function' ? millis : Date.now;
  const t = clock();
  if (t0 >= 0) return t - t0 >= HOLD_MS;
  t0 = t;
  if (typeof setImmediate === 'function') setImmediate(turn);
  else setTimeout(turn, 0);
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
