// Edge cases of the shared-memory entry found by a hostile review (issue 12): each test is
// named as its situation and failed before its fix. Real workers where a second thread matters.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ThreadSafeQueue } from '../../dist/shared.mjs';

const test = suite('shared edge cases');

test('a queue of any slot count the constructor accepts can be shared: int32/uint32 with an odd count too', () => {
  for (const type of ['int32', 'uint32', 'float64']) {
    for (const slots of [2, 3, 4, 5, 7, 8, 9, 1023]) {
      const q = new ThreadSafeQueue(slots, type);
      assert.is(q.share().buffer.byteLength % 8, 0, `${slots} ${type} slots: buffer a multiple of 8 bytes`);
      const other = ThreadSafeQueue.from(q.share()); // threw a RangeError for 3 int32 slots (204 bytes)
      for (let i = 1; i < slots; i++) q.putSync(i);
      assert.is(other.qsize(), slots - 1);
      assert.is(other.full(), true);
      for (let i = 1; i < slots; i++) assert.is(other.getSync(), i);
      assert.is(q.empty(), true);
    }
  }
});

test('-0 into an int32 or uint32 shared queue is a RangeError naming -0, and the queue stays empty; float64 keeps -0', async () => {
  for (const type of ['int32', 'uint32']) {
    const q = new ThreadSafeQueue(4, type);
    assert.throws(() => q.putSync(-0), (e) => e instanceof RangeError && /item -0 does not fit an? u?int32 slot/.test(e.message));
    assert.throws(() => q.put(-0), (e) => e instanceof RangeError && /ThreadSafeQueue\.put: item -0/.test(e.message));
    assert.is(q.qsize(), 0, type + ': nothing was put');
    q.putSync(0);
    assert.ok(Object.is(q.getSync(), 0));
  }
  const f = new ThreadSafeQueue(4, 'float64');
  await f.put(-0);
  assert.ok(Object.is(ThreadSafeQueue.from(f.share()).getSync(), -0), 'float64 kept -0 faithfully');
});

test.run();
