/**
 * Everything an Espruino board needs in one script: the core primitives and the Espruino
 * sources, built only as dist/threadsafe.espruino.min.js (global `threadsafe`), minified for
 * Espruino with the private property names mangled (rollup.espruino.mjs).
 */
import { enableWaitOptions } from '../waiters';

export * from '../index';
export * from './index';

enableWaitOptions(); // as the full bundles (src/bundle.ts)
