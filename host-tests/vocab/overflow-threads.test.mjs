// Overflow policies of the shared-memory ThreadSafeQueue (threadsafe/shared): on one thread, and
// a producer worker racing the main thread's consumer on a full drop-oldest queue (where both
// sides move the read index): the consumer never sees a torn, duplicated or reordered item, and
// what it took plus what was dropped is everything the producer put.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, within } from '../threads/helpers.mjs';

const S = await import('../../dist/shared.mjs');
const { ThreadSafeQueue, QueueFull } = S;
const test = suite('shared ThreadSafeQueue overflow policy');

test("one thread: 'reject' is the default; 'drop-newest' keeps what it has; 'drop-oldest' keeps the newest; dropped() counts; from() sees the policy", () => {
  const r = new ThreadSafeQueue(4, 'int32');
  for (let i = 0; i < 3; i++) r.putSync(i);
  assert.is(r.overflow(), 'reject');
  assert.throws(() => r.putSync(9), (e) => e instanceof QueueFull);
  const n = new ThreadSafeQueue(4, 'int32', { overflow: 'drop-newest' });
  const o = new ThreadSafeQueue(4, 'int32', { overflow: 'drop-oldest' });
  for (let i = 0; i < 6; i++) { n.putSync(i); o.putSync(i); }
  const take = (q) => { const out = []; while (!q.empty()) out.push(q.getSync()); return out; };
  assert.equal([n.dropped(), o.dropped()], [3, 3]);
  const o2 = ThreadSafeQueue.from(o.share());
  assert.is(o2.overflow(), 'drop-oldest');
  assert.equal(take(n), [0, 1, 2]);
  assert.equal(take(o2), [3, 4, 5]);
  assert.is(o.dropped(), 3, 'one counter in shared memory');
  assert.throws(() => new ThreadSafeQueue(4, 'int32', { overflow: 'newest' }), (e) => e instanceof TypeError && /options.overflow/.test(e.message));
});

test('one thread: under a drop policy putSync(x, true) never blocks and put() never waits', async () => {
  const q = new ThreadSafeQueue(2, 'float64', { overflow: 'drop-oldest' });
  q.putSync(1);
  await within(q.put(2), 1000, 'put on a full drop-oldest queue');
  assert.is(q.getSync(), 2);
  assert.is(q.dropped(), 1);
});

for (const policy of ['drop-oldest', 'drop-newest']) {
  test(`two threads, ${policy}, 16 slots: 200,000 float64 items from a worker, the main thread consuming as fast as it can: every item taken is whole, taken once, in order; taken + dropped = 200,000`, async () => {
    const TOTAL = 200000;
    const q = new ThreadSafeQueue(16, 'float64', { overflow: policy });
    // each item is i + 0.25 + i * 2^-30: a torn read (half of one item's 8 bytes, half of another's) is not of that form
    const w = spawn(`
      const q = S.ThreadSafeQueue.from(workerData.q);
      for (let i = 0; i < ${TOTAL}; i++) q.putSync(i + 0.25 + i * 2 ** -30);
      q.close();
    `, { q: q.share() });
    let last = -1;
    let taken = 0;
    let bad = 0;
    const run = (async () => {
      for (;;) {
        let v;
        try {
          v = q.empty() ? await q.get() : q.getSync();
        } catch (e) {
          if (e.name === 'QueueClosed') break;
          throw e;
        }
        const i = Math.floor(v);
        if (v !== i + 0.25 + i * 2 ** -30 || i <= last || i >= TOTAL) bad++;
        last = i;
        taken++;
      }
    })();
    await within(run, 60000, 'the consumer');
    assert.is(await w.exit, 0);
    assert.is(bad, 0, 'no torn, duplicated or reordered item');
    assert.is(taken + q.dropped(), TOTAL, `taken ${taken} + dropped ${q.dropped()}`);
    assert.ok(q.dropped() > 0, 'the race happened: the producer found the queue full');
    assert.ok(taken > 16, 'the consumer took items while the producer ran');
  });
}

test.run();
