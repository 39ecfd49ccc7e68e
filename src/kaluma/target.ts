/**
 * Internal: how the board sources deliver to a target, by duck typing, so that this entry needs
 * nothing from the core bundle but the argument helpers of args.ts: a queue (anything with
 * `putSync`) gets items, an event or flag (anything with `set`) gets `set()`.
 */
import { construct, describe, RangeErr, unknownOption } from '../args';

export { construct, describe };

/**
 * Anything with `set()`: a ThreadSafeEvent or ThreadSafeFlag. An idle InterruptSource also uses
 * `hasWaiters()` and `onwait` when the target has both (the library's primitives do).
 */
export interface SetTarget {
  set(): void;
  hasWaiters?(): boolean;
  onwait?: (() => void) | null;
}

/**
 * Anything with `putSync(item)`: a ThreadSafeQueue. The sources use the other members when the
 * target has them (duck typing: a target of your own needs only `putSync`):
 * - `closed()`: a closed queue detaches the source (all three sources);
 * - `full()`: WatchSource and TimerSource drop an item without calling `putSync` (counted);
 * - `putManySync(items, start, count)`: InterruptSource puts a batch in one call;
 * - `qsize()` with `maxsize()`: InterruptSource asks for room once per collection;
 * - `empty()`, `hasWaiters()`, `onwait`: an idle InterruptSource keeps collecting while the
 *   queue holds items or a consumer waits, and learns that a consumer began to wait.
 */
export interface PutTarget<T> {
  putSync(item: T): void;
  closed?(): boolean;
  full?(): boolean;
  putManySync?(items: ArrayLike<T>, start?: number, count?: number): number;
  /** With `dropped()`: a policy other than 'reject' takes every item; its drops count as the source's `dropped()`. */
  overflow?(): string;
  dropped?(): number;
  qsize?(): number;
  maxsize?(): number;
  empty?(): boolean;
  hasWaiters?(): boolean;
  onwait?: (() => void) | null;
}

/**
 * Anything with `set(data)` and `value()`: a ThreadSafeMessage. A source `set()`s it with the
 * record's value (`record(events, index)`, or what a queue would get), the latest once per delivery.
 */
export interface MessageTarget<T> {
  set(data: T): void;
  value(): unknown;
  hasWaiters?(): boolean;
  onwait?: (() => void) | null;
}

/** What a source delivers to. */
export type Target<T> = SetTarget | PutTarget<T> | MessageTarget<T>;

/** Maps an edge or tick to the queued item, on the main loop: `(events, index) => item`. */
export type RecordFn<T> = (events: number, index: number) => T;

/**
 * Pins with an attached interrupt source, by the name of the class that holds it
 * ('InterruptSource', 'EncoderSource'; undefined once detached): the firmware keeps one interrupt
 * callback per pin, so a second `attachInterrupt` would silently replace the first source's, and
 * the first one's `detach()` would then remove the second's.
 */
export const pinsInUse: { [pin: number]: string | undefined } = {};

/** kindOf() results. */
export const SET = 0;
export const PUT = 1;
/** A message: `set(data)` with the record's value. */
export const MSG = 2;

/** offer() results. */
export const OFFERED = 0;
export const OFFER_FULL = 1;
export const OFFER_CLOSED = 2;
/** The target (or `record()`) threw something other than QueueFull: the record is dropped and counted. */
export const OFFER_REJECTED = 3;

/** What the last OFFER_REJECTED offer threw; read it right after `offer`/`offerRecord` (main loop only). */
export let rejection: unknown = undefined;

/** Builds the item of one record (`record(events, index)`, or the edge kind) and offers it. */
export function offerRecord<T>(target: PutTarget<T>, record: RecordFn<T> | undefined, events: number, index: number): number {
  let item: T;
  try {
    item = record === undefined ? (events as any as T) : record(events, index);
  } catch (e) {
    rejection = e;
    return OFFER_REJECTED;
  }
  return offer(target, item);
}

/**
 * Sets a message target to the record's value (`record(events, index)`, or `events`): OFFERED,
 * or OFFER_REJECTED when `record()` threw (then `rejection` holds it and nothing was set).
 */
export function offerData<T>(target: MessageTarget<T>, record: RecordFn<T> | undefined, events: number, index: number): number {
  let item: T;
  try {
    item = record === undefined ? (events as any as T) : record(events, index);
  } catch (e) {
    rejection = e;
    return OFFER_REJECTED;
  }
  target.set(item);
  return OFFERED;
}

/** SET, PUT or MSG for `target`; throws a TypeError naming `what` for anything else. */
export function kindOf(target: unknown, what: string): number {
  const t = target as any;
  if (t !== null && typeof t === 'object') {
    if (typeof t.putSync === 'function') return PUT;
    if (typeof t.set === 'function') return typeof t.value === 'function' ? MSG : SET;
  }
  throw new TypeError(what + ': target must be a ThreadSafeEvent/ThreadSafeFlag/ThreadSafeMessage (has set()) or a ThreadSafeQueue (has putSync()), got ' + describe(target));
}

/**
 * Puts `item` into a queue target without letting a full queue throw: OFFER_FULL when no slot
 * is free (nothing changed), OFFER_CLOSED when the queue is closed, OFFERED when the item is in,
 * OFFER_REJECTED when `putSync` threw something else (then `rejection` holds it).
 */
export function offer<T>(target: PutTarget<T>, item: T): number {
  if (typeof target.closed === 'function' && target.closed()) return OFFER_CLOSED;
  if (typeof target.full === 'function' && target.full()) {
    // a queue with a drop policy takes the item and drops one (the new or the oldest): counted as a full queue's drop
    const t: any = target;
    if (typeof t.overflow !== 'function' || t.overflow() === 'reject') return OFFER_FULL;
    try {
      target.putSync(item);
    } catch (e) {
      rejection = e;
      return OFFER_REJECTED;
    }
    return OFFER_FULL;
  }
  try {
    target.putSync(item);
  } catch (e) {
    if (e !== null && typeof e === 'object' && (e as any).name === 'QueueFull') return OFFER_FULL;
    rejection = e; // e.g. a TypedArray queue refusing the item: drop this record, not the source
    return OFFER_REJECTED;
  }
  return OFFERED;
}

/** Checks an optional record function. */
export function checkRecord(record: unknown, what: string): void {
  if (record !== undefined && typeof record !== 'function') {
    throw new TypeError(what + ': options.record must be a function (events, index) => item, got ' + describe(record));
  }
}

/**
 * Checks a pin number: a GPIO of the RP2040, an integer 0..29 (TypeError for a non-number,
 * RangeError for any other number). Checked here because Kaluma 1.2.1 does not:
 * attachInterrupt(30) and (255) return without an error, attachInterrupt(40) hangs the firmware,
 * and setWatch(40) is accepted (see docs/platform.md).
 */
export function checkPin(pin: unknown, what: string): void {
  if (typeof pin !== 'number' || !(pin >= 0) || Math.floor(pin) !== pin || pin > 29) {
    throw new (typeof pin === 'number' ? RangeErr : TypeError)(what + ': pin must be a GPIO number (an integer 0..29), got ' + describe(pin));
  }
}

/**
 * Checks a source's `options`: undefined, or an object whose every key is one of `known`
 * ("events, debounce, record"); throws a TypeError naming `what` and the bad key. Returns the
 * object to read the options from (a new empty one for undefined). Allocates: constructors only.
 */
export function checkSourceOptions(options: unknown, known: string, what: string): any {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new TypeError(what + ': options must be an object like { ' + known + ' }, got ' + describe(options));
  }
  const names = known.split(', ');
  for (const key in options as object) if (names.indexOf(key) < 0) throw unknownOption(what, key, known);
  return options;
}

/** Checks an edge selection: FALLING (4), RISING (8) or CHANGE (12). */
export function checkEdges(events: unknown, what: string): void {
  if (events !== 4 && events !== 8 && events !== 12) {
    throw new TypeError(what + ': options.events must be FALLING (4), RISING (8) or CHANGE (12), got ' + describe(events));
  }
}

/**
 * Checks a number of milliseconds: 0 … 2147483647, the longest delay timers honour (Node
 * fires a longer interval every 1 ms), as the core's `timeout` option.
 */
export function checkMs(ms: unknown, name: string, what: string): void {
  if (typeof ms !== 'number') throw new TypeError(what + ': ' + name + ' must be a number of milliseconds, got ' + describe(ms));
  if (!(ms >= 0 && ms <= 2147483647)) {
    throw new RangeErr(what + ': ' + name + ' must be a number of ms from 0 to 2147483647 (about 24.8 days), got ' + ms);
  }
}
