// select(sources, options?): wait on queues, flags, events and messages at once and take exactly
// one thing; the lowest index wins; nothing stays registered. On every bundle the core tests run
// on; the properties are checked with fast-check over random schedules of producers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { abortListeners, BUILDS, drain, rejectsLike, track, withClock } from '../core/helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { select, ThreadSafeQueue, ThreadSafeFlag, ThreadSafeEvent, ThreadSafeMessage, AbortError, TimeoutError, QueueClosed, FlagInUse } = lib;
  const test = suite(`select: ${name}`);
  const queue = (n = 8) => new ThreadSafeQueue(new Array(n));
  /** No source has a waiter left. */
  const idle = (sources) => sources.every((s) => !s.hasWaiters());

  test('several sources ready at the call: the lowest index wins and only its thing is taken', async () => {
    const q1 = queue(); const q2 = queue(); const f = new ThreadSafeFlag(); const m = new ThreadSafeMessage();
    q1.putSync('a'); q2.putSync('b'); f.set(); m.set(7);
    assert.equal(await select([f, q1, q2, m]), { index: 0, value: undefined });
    assert.is(f.isSet(), false, 'the flag\'s set was consumed');
    assert.equal([q1.qsize(), q2.qsize()], [1, 1], 'no item taken');
    assert.equal(await select([q2, q1, m]), { index: 0, value: 'b' });
    assert.equal([q1.qsize(), q2.qsize()], [1, 0]);
    assert.equal(await select([m, q1]), { index: 0, value: 7 });
    assert.is(m.isSet(), true, 'a message is not consumed');
  });

  test('an event is not consumed (value undefined); a message gives its latest data', async () => {
    const e = new ThreadSafeEvent(); const m = new ThreadSafeMessage();
    e.set();
    assert.equal(await select([e]), { index: 0, value: undefined });
    assert.is(e.isSet(), true);
    const w = track(select([m]));
    m.set('first'); m.clear(); m.set('second');
    await drain();
    assert.equal(w.value, { index: 0, value: 'second' });
  });

  test('nothing ready: it waits; the first source to become ready wins; afterwards nothing is registered', async () => {
    const q = queue(); const f = new ThreadSafeFlag(); const e = new ThreadSafeEvent(); const m = new ThreadSafeMessage();
    const w = track(select([q, f, e, m]));
    await drain();
    assert.is(w.state(), 'pending');
    assert.ok([q, f, e, m].every((s) => s.hasWaiters()), 'one wait on each');
    m.set('news');
    await drain();
    assert.equal(w.value, { index: 3, value: 'news' });
    assert.ok(idle([q, f, e, m]), 'no waiter left on any source');
  });

  test('two sources made ready in the same moment: one thing is taken, the other stays (a flag gets its set back)', async () => {
    const q = queue(); const f = new ThreadSafeFlag();
    let w = track(select([f, q]));
    q.putSync(1); f.set(); // both before any reaction runs
    await drain();
    assert.is(w.state(), 'resolved');
    if (w.value.index === 0) assert.is(q.qsize(), 1, 'the item stays');
    else assert.is(f.isSet(), true, 'the flag was given its set back');
    assert.ok(idle([f, q]));
    // the other is still there for the next select
    const again = await select([f, q]);
    assert.is(again.index, w.value.index === 0 ? 1 : 0);
    assert.equal([q.qsize(), f.isSet()], [0, false]);
    // two queues at once
    const a = queue(); const b = queue();
    w = track(select([a, b]));
    b.putSync('b'); a.putSync('a');
    await drain();
    assert.equal(a.qsize() + b.qsize(), 1, 'exactly one item taken');
    assert.ok(idle([a, b]));
  });

  test('an item another consumer takes first does not resolve the select: it waits on', async () => {
    const q = queue(); const e = new ThreadSafeEvent();
    const w = track(select([q, e]));
    q.putSync('x');
    q.getSync(); // taken before the select's reaction runs
    await drain();
    assert.is(w.state(), 'pending');
    q.putSync('y');
    await drain();
    assert.equal(w.value, { index: 0, value: 'y' });
    assert.ok(idle([q, e]));
  });

  test('signal: rejects with AbortError (reason kept), takes nothing, leaves no waiter and no listener', async () => {
    const q = queue(); const f = new ThreadSafeFlag();
    const ac = new AbortController();
    const w = select([q, f], { signal: ac.signal });
    ac.abort('enough');
    const e = await rejectsLike(w, AbortError);
    assert.is(e.reason, 'enough');
    assert.ok(idle([q, f]));
    assert.is(abortListeners(ac.signal), 0);
    f.set();
    assert.is(f.isSet(), true, 'a later set is not taken');
  });

  test('an already-aborted signal rejects even with a ready source, taking nothing', async () => {
    const q = queue(); q.putSync(1);
    const ac = new AbortController(); ac.abort();
    await rejectsLike(select([q], { signal: ac.signal }), AbortError);
    assert.is(q.qsize(), 1);
  });

  test('timeout: rejects with TimeoutError, leaves no timer and no waiter; a set after it is not taken', async () => {
    await withClock(async (clock) => {
      const f = new ThreadSafeFlag(); const m = new ThreadSafeMessage();
      const w = select([f, m], { timeout: 100 });
      clock.tick(100);
      await rejectsLike(w, TimeoutError);
      assert.is(clock.countTimers(), 0);
      assert.ok(idle([f, m]));
      f.set();
      assert.is(f.isSet(), true);
    });
  });

  test('resolving clears the timeout timer and the signal listener', async () => {
    await withClock(async (clock) => {
      const q = queue(); const ac = new AbortController();
      const w = select([q], { timeout: 1000, signal: ac.signal });
      q.putSync(5);
      assert.equal(await w, { index: 0, value: 5 });
      assert.is(clock.countTimers(), 0);
      assert.is(abortListeners(ac.signal), 0);
    });
  });

  test('a closed, drained queue rejects with QueueClosed naming its index; queued items are still taken first', async () => {
    const q = queue(); q.putSync(1); q.close();
    assert.equal(await select([q]), { index: 0, value: 1 });
    const e = await rejectsLike(select([new ThreadSafeEvent(), q]), QueueClosed);
    assert.is(e.index, 1);
    const q2 = queue(); const evt = new ThreadSafeEvent();
    const w = select([q2, evt]);
    q2.close();
    await rejectsLike(w, QueueClosed);
    assert.ok(idle([evt]));
  });

  test('a flag another task waits on: FlagInUse; bad sources and options: TypeError naming them', async () => {
    const f = new ThreadSafeFlag();
    f.wait();
    await rejectsLike(select([f]), FlagInUse);
    await rejectsLike(select([]), TypeError, /sources must be a non-empty array/);
    await rejectsLike(select(null), TypeError, /sources must be/);
    await rejectsLike(select([queue(), {}]), TypeError, /sources\[1\] must be a queue, flag, event or message/);
    const q = queue();
    const f2 = new ThreadSafeFlag();
    await rejectsLike(select([q, f2, f2]), FlagInUse);
    assert.ok(idle([q, f2]), 'a flag given twice: FlagInUse, and nothing left registered');
    await rejectsLike(select([q], { timeot: 1 }), TypeError, /select: unknown option "timeot"/);
    await rejectsLike(select([q], { timeout: -1 }), RangeError);
    assert.ok(idle([q]));
  });

  test('property: random producers over random sources: every put item is taken exactly once, in order per queue; flags lose no set; nothing stays registered', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.constantFrom('q', 'f', 'e', 'm'), { minLength: 1, maxLength: 5 }),
      fc.array(fc.record({ src: fc.nat(4), burst: fc.integer({ min: 1, max: 3 }), sync: fc.boolean() }), { minLength: 1, maxLength: 30 }),
      async (shape, schedule) => {
        const sources = shape.map((k) => (k === 'q' ? queue(64) : k === 'f' ? new ThreadSafeFlag() : k === 'e' ? new ThreadSafeEvent() : new ThreadSafeMessage()));
        const put = sources.map(() => []);
        const got = sources.map(() => []);
        let flagSets = sources.map(() => 0);
        let n = 0;
        for (const step of schedule) {
          const i = step.src % sources.length;
          const s = sources[i];
          const w = track(select(sources));
          if (!step.sync) await drain();
          for (let b = 0; b < step.burst; b++) {
            if (shape[i] === 'q') { s.putSync(n); put[i].push(n++); }
            else if (shape[i] === 'f') { if (!s.isSet() && !flagSets[i]) flagSets[i] = 1; s.set(); }
            else if (shape[i] === 'm') s.set(n++);
            else s.set();
          }
          await drain();
          if (w.state() !== 'resolved') return false;
          const { index, value } = w.value;
          if (shape[index] === 'q') got[index].push(value);
          if (shape[index] === 'f') flagSets[index] = 0;
          if (!sources.every((x) => !x.hasWaiters())) return false; // nothing stays registered
          for (let j = 0; j < sources.length; j++) if (shape[j] === 'e' || shape[j] === 'm') sources[j].clear();
          // a flag whose set was not taken still holds it
          for (let j = 0; j < sources.length; j++) if (shape[j] === 'f' && flagSets[j] && !sources[j].isSet()) return false;
        }
        // drain what is left with select: nothing lost, each item once, in order
        for (;;) {
          if (sources.every((x, j) => shape[j] !== 'q' || x.empty())) break;
          const { index, value } = await select(sources.filter((x, j) => shape[j] === 'q').length ? sources : sources);
          if (shape[index] === 'q') got[index].push(value);
          for (let j = 0; j < sources.length; j++) if (shape[j] !== 'q' && sources[j].isSet()) sources[j].clear();
        }
        for (let j = 0; j < sources.length; j++) if (shape[j] === 'q' && JSON.stringify(got[j]) !== JSON.stringify(put[j])) return false;
        return true;
      },
    ), { numRuns: 150, seed: 20261203 });
  });

  test('stress: 2,000 items through 4 queues from interleaved producers, one select loop takes each exactly once', async () => {
    const qs = [queue(16), queue(16), queue(16), queue(16)];
    const seen = new Set();
    let dup = 0;
    const consumer = (async () => {
      while (seen.size < 2000) {
        const { value } = await select(qs);
        if (seen.has(value)) dup++;
        seen.add(value);
      }
    })();
    let next = 0;
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 4);
    while (next < 2000) {
      const q = qs[rand()];
      if (!q.full()) q.putSync(next++);
      if (rand() === 0) await drain();
    }
    await consumer;
    assert.is(seen.size, 2000);
    assert.is(dup, 0);
    assert.ok(idle(qs));
  });

  test.run();
}
