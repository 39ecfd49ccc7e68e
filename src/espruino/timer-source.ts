/**
 * TimerSource for Espruino: the same class as threadsafe/kaluma's (a `setInterval` that sets an
 * event/flag or puts `record(0, tick)` into a queue, a full queue's ticks counted in
 * `dropped()`, a closed queue stopping it). On Espruino `setInterval` is scheduled on its
 * microsecond clock, so `periodMs` may be a fraction of a millisecond (each tick still costs a
 * main-loop callback); timers do not pass through the event FIFO, so nothing is overrun.
 */
export { TimerSource } from '../kaluma/timer-source';
export type { TimerSourceOptions } from '../kaluma/timer-source';
