// The builds every behaviour test runs against: the ES5 UMD bundle we flash to boards (and its
// minified copy), and the ESM build Node users import. Tests import dist/, never src/: we test what we ship.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const BUILDS = [
  { name: 'dist/threadsafe.js (ES5 UMD)', lib: require('../dist/threadsafe.js') },
  { name: 'dist/threadsafe.min.js (ES5 UMD, minified)', lib: require('../dist/threadsafe.min.js') },
  { name: 'dist/threadsafe.mjs (ESM)', lib: await import('../dist/threadsafe.mjs') },
];

/** Lets every queued promise job run (a macrotask turn after the microtasks drain). */
export function drain() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Observes a promise without awaiting it: `state()` is 'pending', 'resolved' or 'rejected'. */
export function track(promise) {
  const t = { status: 'pending', value: undefined, error: undefined, state: () => t.status };
  promise.then(
    (v) => { t.status = 'resolved'; t.value = v; },
    (e) => { t.status = 'rejected'; t.error = e; },
  );
  return t;
}
