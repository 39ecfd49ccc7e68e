/**
 * threadsafe/kaluma: sources that feed the threadsafe primitives from Kaluma pins and timers.
 * A separate entry (dist/threadsafe-kaluma.js, global `threadsafeKaluma`): the core bundle does
 * not grow. The sources duck-type their target (`set()` or `putSync()`), so this entry needs
 * nothing from the core. This file only re-exports; each source lives in the file named after it.
 */
export { InterruptSource } from './interrupt-source';
export { RING } from './interrupt-engine';
export type { InterruptSourceOptions } from './interrupt-source';
export { WatchSource } from './watch-source';
export type { WatchSourceOptions } from './watch-source';
export { TimerSource } from './timer-source';
export { EncoderSource } from './encoder-source';
export type { EncoderSourceOptions } from './encoder-source';
export type { TimerSourceOptions } from './timer-source';
export type { MessageTarget, PutTarget, RecordFn, SetTarget, Target } from './target';
