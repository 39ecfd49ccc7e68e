// Helpers of the real-worker tests: workers are small CommonJS programs (eval) that require
// the CJS build, so that the tests cover dist/shared.cjs while the test files import
// dist/shared.mjs. Every wait in these tests has a bound, so a bug fails a test, never hangs it.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

export const SHARED_CJS = fileURLToPath(new URL('../../dist/shared.cjs', import.meta.url));
export const SHARED_MJS = fileURLToPath(new URL('../../dist/shared.mjs', import.meta.url));

/**
 * Starts a worker running `body` (CommonJS) with `S` (the shared entry), `workerData`,
 * `post(msg)` and `sleep(ms)` (Atomics.wait on a private word) in scope. Returns the worker,
 * `messages` (all it posted) and `exit` (a promise of its exit code).
 */
export function spawn(body, workerData) {
  const code = `
    const S = require(${JSON.stringify(SHARED_CJS)});
    const { workerData, parentPort } = require('node:worker_threads');
    const post = (m) => parentPort.postMessage(m);
    const nap = new Int32Array(new SharedArrayBuffer(4));
    const sleep = (ms) => Atomics.wait(nap, 0, 0, ms);
    ${body}
  `;
  const worker = new Worker(code, { eval: true, workerData });
  const messages = [];
  const listeners = [];
  worker.on('message', (m) => {
    messages.push(m);
    for (const l of listeners.splice(0)) l();
  });
  const exit = new Promise((resolve) => worker.once('exit', resolve));
  worker.on('error', (e) => { if (process.env.TS_DEBUG_WORKERS) console.error('WORKER ERROR', e); }); // a crash is reported through exit(1) and asserted by the test
  /** Resolves with the next message that `match`es (from the start), rejects after `ms`. */
  function message(match = () => true, ms = 30000) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no matching message from the worker within ' + ms + ' ms')), ms);
      const check = () => {
        const m = messages.find(match);
        if (m !== undefined) {
          clearTimeout(t);
          resolve(m);
        } else listeners.push(check);
      };
      check();
    });
  }
  return { worker, messages, exit, message };
}

/**
 * A worker that claims flag `f` and blocks in `f.waitSync()` until it is terminated. Returns the
 * spawned worker and `started`, an event the worker sets just before it blocks.
 */
export function blockedInWaitSync(f, ThreadSafeEvent) {
  const started = new ThreadSafeEvent();
  const w = spawn(`
    const f = S.ThreadSafeFlag.from(workerData.f);
    S.ThreadSafeEvent.from(workerData.started).set();
    f.waitSync(); // blocks until terminated
  `, { f: f.share(), started: started.share() });
  return { w, started };
}

/** Rejects if `promise` does not settle within `ms`: a hang becomes a failed test. */
export function within(promise, ms, what) {
  let t;
  const timer = new Promise((_, reject) => {
    t = setTimeout(() => reject(new Error(what + ': did not finish within ' + ms + ' ms')), ms);
  });
  return Promise.race([promise, timer]).finally(() => clearTimeout(t));
}

/** The settled state of a promise: { ok: true, value } or { ok: false, error }. */
export function settle(promise) {
  return promise.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));
}
