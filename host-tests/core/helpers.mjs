// Tiny helpers shared by the core suites (host-tests/core/*.test.mjs).
import FakeTimers from '@sinonjs/fake-timers';
import { getEventListeners } from 'node:events';
import * as assert from 'uvu/assert';

export { BUILDS, drain, track } from '../builds.mjs';

/**
 * Runs `fn(clock)` with virtual timers (setTimeout/setInterval/Date only: promise jobs and
 * setImmediate stay real), and always restores the real ones.
 */
export async function withClock(fn) {
  const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  try {
    return await fn(clock);
  } finally {
    clock.uninstall();
  }
}

/** How many abort listeners a (Node) AbortSignal holds. */
export function abortListeners(signal) {
  return getEventListeners(signal, 'abort').length;
}

/** Asserts that `fn()` throws an instance of `Class` whose message matches `re`; returns the error. */
export function throwsLike(fn, Class, re) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `expected a throw of ${Class.name || Class.prototype.name}`);
  assert.ok(error instanceof Class, `expected ${Class.prototype.name}, got ${error && error.name}: ${error && error.message}`);
  if (re) assert.match(error.message, re);
  return error;
}

/** Awaits `promise`, which must reject with an instance of `Class` (message matching `re`); returns the error. */
export async function rejectsLike(promise, Class, re) {
  let error;
  let resolved = false;
  try {
    await promise;
    resolved = true;
  } catch (e) {
    error = e;
  }
  assert.not.ok(resolved, `expected a rejection with ${Class.prototype.name}, but it resolved`);
  assert.ok(error instanceof Class, `expected ${Class.prototype.name}, got ${error && error.name}: ${error && error.message}`);
  if (re) assert.match(error.message, re);
  return error;
}

/** Takes every queued item with getSync(), oldest first. */
export function takeAll(q) {
  const out = [];
  while (!q.empty()) out.push(q.getSync());
  return out;
}
