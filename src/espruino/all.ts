/**
 * Everything an Espruino board needs in one script: the core primitives and the Espruino
 * sources, built only as dist/threadsafe.espruino.min.js (global `threadsafe`), minified for
 * Espruino with the private property names mangled (rollup.espruino.mjs).
 */
export * from '../index';
export * from './index';
