/**
 * The entry of the full bundles (dist/threadsafe.js, threadsafe.min.js, threadsafe.mjs): all
 * that src/index.ts exports, with the wait options (`{ signal, timeout }`) enabled as the bundle
 * loads. A board program built from the sources imports src/index.ts instead, which enables
 * nothing, so that a program that passes no options carries none of their code (src/waiters.ts).
 */
import { enableWaitOptions } from './waiters';

export * from './index';

enableWaitOptions();
