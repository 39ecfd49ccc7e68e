// onwait / hasWaiters: how a scheduler (the Kaluma InterruptSource) learns that a task waits.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { abortListeners, BUILDS, drain, throwsLike, track } from './helpers.mjs';

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

  test('queue: close() calls onwait once at its end (an idle source feeding the queue sees the close), a second close() does not', () => {
    const q = new ThreadSafeQueue(new Array(4));
    const seen = [];
    q.onwait = () => { seen.push(q.closed()); };
    q.close();
    assert.equal(seen, [true], 'called once, after the queue is closed');
    q.close();
    assert.equal(seen, [true]);
  });

  test('queue: an onwait that throws in close() makes close() throw that error, and the queue is closed all the same', () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.putSync(1);
    q.onwait = () => { throw new Error('hook failed'); };
    throwsLike(() => q.close(), Error, /^hook failed$/);
    assert.is(q.closed(), true);
    assert.is(q.getSync(), 1, 'what was queued can still be taken');
  });

  test.run();

  const throwing = suite(`an onwait that throws: ${name}`);

  const boom = () => { throw new Error('onwait failed'); };

  throwing('queue: a get() whose onwait throws throws that error and leaves no waiter: the next putSync item is queued, not lost', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.onwait = boom;
    throwsLike(() => q.get(), Error, /^onwait failed$/);
    throwsLike(() => q.next(), Error, /^onwait failed$/);
    const ac = new AbortController();
    throwsLike(() => q.get({ signal: ac.signal, timeout: 1000 }), Error, /^onwait failed$/);
    assert.is(abortListeners(ac.signal), 0, 'its abort listener is gone');
    assert.is(q.hasWaiters(), false);
    q.onwait = null;
    q.putSync('item');
    assert.is(q.qsize(), 1, 'the item is in the ring, not handed to an orphan waiter');
    assert.is(await q.get(), 'item');
  });

  throwing('queue: an onwait that hands the waiter an item and then throws: the wait keeps the item, nothing is lost', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.onwait = () => { q.putSync('given'); throw new Error('onwait failed'); };
    assert.is(await q.get(), 'given');
    assert.is(q.qsize(), 0);
    assert.is(q.hasWaiters(), false);
  });

  throwing('flag: a wait whose onwait throws leaves no waiter: the next wait is not FlagInUse and gets the set', async () => {
    const flag = new ThreadSafeFlag();
    flag.onwait = boom;
    throwsLike(() => flag.wait(), Error, /^onwait failed$/);
    assert.is(flag.hasWaiters(), false);
    flag.onwait = null;
    const t = track(flag.wait());
    flag.set();
    await drain();
    assert.is(t.state(), 'resolved');
    assert.is(flag.isSet(), false);
  });

  throwing('event: a wait whose onwait throws leaves no waiter (plain, or with signal and timeout); a waiter already there still wakes', async () => {
    const evt = new ThreadSafeEvent();
    const first = track(evt.wait()); // the shared plain waiter, from before the hook
    evt.onwait = boom;
    throwsLike(() => evt.wait(), Error, /^onwait failed$/); // joins the shared waiter: nothing new
    const ac = new AbortController();
    throwsLike(() => evt.wait({ signal: ac.signal, timeout: 1000 }), Error, /^onwait failed$/);
    assert.is(abortListeners(ac.signal), 0, 'its abort listener is gone');
    const other = new ThreadSafeEvent();
    other.onwait = boom;
    throwsLike(() => other.wait(), Error, /^onwait failed$/);
    assert.is(other.hasWaiters(), false, 'a plain wait that failed left no shared waiter behind');
    evt.onwait = null;
    evt.set();
    await drain();
    assert.is(first.state(), 'resolved');
    assert.is(evt.hasWaiters(), false);
  });

  throwing.run();
}
