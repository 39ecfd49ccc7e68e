// Edge cases of the core found by a hostile review (issue 12), on both shipped builds: each
// test is named as its situation and failed before its fix.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILDS, throwsLike } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeQueue } = lib;
  const test = suite(`core edge cases: ${name}`);

  test('-0 into an integer TypedArray queue is a RangeError naming -0, and the queue stays empty; float arrays and Arrays keep -0', () => {
    for (const Ctor of [Int32Array, Uint32Array, Int16Array, Uint8Array, Uint8ClampedArray]) {
      const q = new ThreadSafeQueue(new Ctor(4));
      throwsLike(() => q.putSync(-0), RangeError, /item -0 cannot be stored faithfully in an? \w+Array \(it would become 0\)/);
      throwsLike(() => q.put(-0), RangeError, /ThreadSafeQueue\.put: item -0/);
      assert.is(q.qsize(), 0, Ctor.name + ': nothing was put');
      q.putSync(0); // +0 is fine
      assert.ok(Object.is(q.getSync(), 0));
    }
    for (const buf of [new Float64Array(4), new Float32Array(4), new Array(4)]) {
      const q = new ThreadSafeQueue(buf);
      q.putSync(-0);
      assert.ok(Object.is(q.getSync(), -0), 'kept -0 faithfully');
    }
  });

  test.run();
}
