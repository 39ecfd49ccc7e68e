// Small helpers shared by the bench modules (not a bench module itself: run.mjs only loads
// files named *.bench.mjs).
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

/** The library as boards run it: the ES5 UMD bundle (build it first: npm run build). */
export function loadLibrary() {
  return require('../dist/threadsafe.js');
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export const now = () => performance.now();

/** One macrotask turn, so that timers and I/O get their chance between runs. */
export function tick() {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs each candidate `runs` times, interleaved (a, b, c, a, b, c, ...) so that a slow
 * moment of the machine hits every candidate alike, and returns each candidate's measures.
 * `measure(candidate)` resolves with one number.
 */
export async function interleave(candidates, runs, measure) {
  const out = candidates.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < candidates.length; i++) {
      out[i].push(await measure(candidates[i]));
      await tick();
    }
  }
  return out;
}
