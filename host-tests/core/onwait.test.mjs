// onwait / hasWaiters: how a scheduler (the Kaluma InterruptSource) learns that a task waits.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILDS } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeFlag, ThreadSafeEvent, ThreadSafeQueue } = lib;
  const test = suite(`onwait and hasWaiters: ${name}`);

  test('flag: onwait runs once per wait that has to wait, not for one that finishes at once; hasWaiters follows', () => {
    const flag = new ThreadSafeFlag();
    let calls = 0;
    flag.onwait = () => { calls++; };
    flag.set();
    flag.wait(); // finishes at once
    assert.is(calls, 0);
    assert.is(flag.hasWaiters(), false);
    flag.wait();
    assert.is(calls, 1);
    assert.is(flag.hasWaiters(), true);
    flag.set();
    assert.is(flag.hasWaiters(), false);
  });

  test('event: every waiting task calls onwait, plain waits sharing one promise too', () => {
    const evt = new ThreadSafeEvent();
    let calls = 0;
    evt.onwait = () => { calls++; };
    evt.wait(); evt.wait(); evt.wait({ timeout: 1000 }).catch(() => {});
    assert.is(calls, 3);
    assert.is(evt.hasWaiters(), true);
    evt.set();
    assert.is(evt.hasWaiters(), false);
    evt.wait();
    assert.is(calls, 3, 'a wait on a set event does not wait');
  });

  test('queue: get() and next() on an empty queue call onwait; an onwait that puts hands the item to that very waiter', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    let calls = 0;
    q.onwait = () => { calls++; q.putSync('from onwait'); };
    assert.is(await q.get(), 'from onwait');
    assert.equal(await q.next(), { value: 'from onwait', done: false });
    assert.is(calls, 2);
    assert.is(q.hasWaiters(), false);
    assert.is(q.qsize(), 0);
  });

  test('a new primitive has onwait null and no waiters', () => {
    for (const p of [new ThreadSafeFlag(), new ThreadSafeEvent(), new ThreadSafeQueue(new Array(2))]) {
      assert.is(p.onwait, null);
      assert.is(p.hasWaiters(), false);
    }
  });

  test.run();
}
