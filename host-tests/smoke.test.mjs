import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILDS, drain, track } from './builds.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeQueue, ThreadSafeEvent, QueueFull } = lib;
  const test = suite(`smoke: ${name}`);

  test('a queue of 4 slots takes 3 items, then putSync throws QueueFull and qsize stays 3', () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.putSync(1); q.putSync(2); q.putSync(3);
    assert.throws(() => q.putSync(4), (e) => e instanceof QueueFull);
    assert.is(q.qsize(), 3);
    assert.ok(q.full());
  });

  test('set() wakes a waiting task in the next microtask', async () => {
    const evt = new ThreadSafeEvent();
    const w = track(evt.wait());
    evt.set();
    await drain();
    assert.is(w.state(), 'resolved');
  });

  test.run();
}
