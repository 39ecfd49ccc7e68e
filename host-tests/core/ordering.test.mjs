// Where waking happens straight away (Node, main-loop callbacks), a woken task runs in the
// next microtask: before promise jobs queued after the wake, and before any timer.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILDS, drain } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeFlag, ThreadSafeEvent, ThreadSafeQueue } = lib;
  const test = suite(`wake-up ordering: ${name}`);

  /** Starts `task` waiting, wakes it with `wake`, then queues a promise chain and a timer. */
  async function order(waitFor, wake) {
    const log = [];
    const waiting = (async () => { await waitFor(); log.push('woken'); })();
    await drain(); // the task is now parked on the primitive
    const timer = new Promise((resolve) => setTimeout(() => { log.push('timer'); resolve(); }, 0));
    wake();
    Promise.resolve().then(() => log.push('then 1')).then(() => log.push('then 2'));
    await Promise.all([waiting, timer]);
    return log;
  }

  test('ThreadSafeEvent: a task woken by set() runs in the next microtask, before a later .then chain and a due timer', async () => {
    const evt = new ThreadSafeEvent();
    assert.equal(await order(() => evt.wait(), () => evt.set()), ['woken', 'then 1', 'then 2', 'timer']);
  });

  test('ThreadSafeFlag: a task woken by set() runs in the next microtask', async () => {
    const flag = new ThreadSafeFlag();
    assert.equal(await order(() => flag.wait(), () => flag.set()), ['woken', 'then 1', 'then 2', 'timer']);
  });

  test('ThreadSafeQueue: a get() handed an item by putSync runs in the next microtask', async () => {
    const q = new ThreadSafeQueue(new Array(3));
    assert.equal(await order(() => q.get(), () => q.putSync(1)), ['woken', 'then 1', 'then 2', 'timer']);
  });

  test('ThreadSafeQueue: a for await step handed an item by putSync runs in the next microtask', async () => {
    const q = new ThreadSafeQueue(new Array(3));
    assert.equal(await order(() => q.next(), () => q.putSync(1)), ['woken', 'then 1', 'then 2', 'timer']);
  });

  test('ThreadSafeQueue: a put() waiting for space, freed by getSync, runs in the next microtask', async () => {
    const q = new ThreadSafeQueue(new Array(2));
    q.putSync(0);
    assert.equal(await order(() => q.put(1), () => q.getSync()), ['woken', 'then 1', 'then 2', 'timer']);
  });

  test('ThreadSafeEvent: a wait() on a set event continues in the next microtask, not later', async () => {
    const evt = new ThreadSafeEvent();
    evt.set();
    const log = [];
    const t = (async () => { await evt.wait(); log.push('waited'); })();
    Promise.resolve().then(() => log.push('then 1')).then(() => log.push('then 2'));
    await t;
    await drain();
    assert.equal(log, ['waited', 'then 1', 'then 2']);
  });

  test.run();
}
