/**
 * threadsafe/espruino: sources that feed the threadsafe primitives from Espruino's pins and
 * timers. A separate entry (dist/threadsafe-espruino.js, global `threadsafeEspruino`): the core
 * bundle does not grow. The sources duck-type their target (`set()` or `putSync()`), so this
 * entry needs nothing from the core. This file only re-exports; each source lives in the file
 * named after it.
 */
export { WatchSource } from './watch-source';
export type { WatchRecordFn, WatchSourceOptions } from './watch-source';
export { TimerSource } from './timer-source';
export type { TimerSourceOptions } from './timer-source';
export type { PutTarget, RecordFn, SetTarget, Target } from '../kaluma/target';
