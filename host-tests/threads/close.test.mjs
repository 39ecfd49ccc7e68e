// Ending: close() from either side, a worker that crashes or is terminated, and a program
// whose only work is awaiting a worker. Every wait here must end, none may hang.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import {
  ThreadSafeQueue, ThreadSafeEvent, ThreadSafeFlag, ClosedError, QueueClosed, attach, watchWorker,
} from '../../dist/shared.mjs';
import { blockedInWaitSync, settle, spawn, within, SHARED_MJS } from './helpers.mjs';

const close = suite('close() from either side');

close('the consumer closing wakes a producer blocked in putSync(x, true) with QueueClosed', async () => {
  const q = new ThreadSafeQueue(4, 'int32');
  const w = spawn(`
    const q = S.ThreadSafeQueue.from(workerData);
    let put = 0, err = 'none';
    try { for (;;) { q.putSync(put, true); put++; } } catch (e) { err = e.name; }
    post({ put, err });
  `, q.share());
  while (!q.full()) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 20)); // it is blocked on the full queue now
  q.close();
  assert.equal(await w.message(), { put: 3, err: 'QueueClosed' });
  assert.is(q.getSync(), 0, 'items queued before close() can still be taken');
});

close('the producer closing ends the consumer: a blocked getSync(true) throws QueueClosed after the last item', async () => {
  const q = new ThreadSafeQueue(8, 'int32');
  const w = spawn(`
    const q = S.ThreadSafeQueue.from(workerData);
    const got = [];
    let err = 'none';
    try { for (;;) got.push(q.getSync(true)); } catch (e) { err = e.name; }
    post({ got, err });
  `, q.share());
  await q.put(1);
  await q.put(2);
  await new Promise((r) => setTimeout(r, 20));
  q.close();
  assert.equal(await w.message(), { got: [1, 2], err: 'QueueClosed' });
});

close('a worker closing its output ends the main thread\'s for await after the queued items', async () => {
  const q = new ThreadSafeQueue(4, 'int32');
  const w = spawn(`const q = S.ThreadSafeQueue.from(workerData); for (let i = 1; i <= 10; i++) q.putSync(i, true); q.close();`, q.share());
  const got = [];
  await within((async () => { for await (const x of q) got.push(x); })(), 30000, 'for await');
  assert.equal(got, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const r = await settle(q.get());
  assert.ok(!r.ok && r.error instanceof QueueClosed, 'get() on the drained, closed queue rejects with QueueClosed');
  assert.throws(() => q.putSync(1), (e) => e instanceof QueueClosed);
  await w.exit;
});

close('the main thread closing rejects its own waiting put() with QueueClosed', async () => {
  const q = new ThreadSafeQueue(2, 'int32');
  q.putSync(1);
  const p = settle(q.put(2));
  q.close();
  const r = await within(p, 2000, 'the waiting put');
  assert.ok(!r.ok && r.error instanceof QueueClosed);
  assert.is(q.qsize(), 1, 'the waiting item was not put');
});

close('closing an event or a flag from a worker rejects the main thread\'s waits with ClosedError', async () => {
  const evt = new ThreadSafeEvent();
  const f = new ThreadSafeFlag();
  const waits = [settle(evt.wait()), settle(evt.wait({ timeout: 30000 })), settle(f.wait())];
  const w = spawn(`sleep(20); S.attach(workerData[0]).close(); S.attach(workerData[1]).close();`, [evt.share(), f.share()]);
  const rs = await within(Promise.all(waits), 30000, 'the waits');
  for (const r of rs) assert.ok(!r.ok && r.error instanceof ClosedError, String(r.error));
  assert.ok(evt.closed() && f.closed());
  await w.exit;
});

close('a set made before close() is still delivered: flag and event waits resolve once, then fail with ClosedError', async () => {
  const f = new ThreadSafeFlag();
  f.set();
  f.close();
  assert.is((await settle(f.wait())).error, undefined, 'the flag set before the close is consumed');
  assert.ok((await settle(f.wait())).error instanceof ClosedError, 'then the closed flag fails');
  const pending = new ThreadSafeFlag();
  const p = settle(pending.wait()); // waiting when the set and the close land in one turn
  pending.set();
  pending.close();
  assert.is((await within(p, 30000, 'the pending flag wait')).error, undefined);
  const evt = new ThreadSafeEvent();
  const q = settle(evt.wait());
  evt.set();
  evt.close();
  assert.is((await within(q, 30000, 'the pending event wait')).error, undefined);
  assert.is((await settle(evt.wait())).error, undefined, 'the event stays set after the close');
  evt.clear();
  assert.ok((await settle(evt.wait())).error instanceof ClosedError, 'cleared and closed: the wait fails');
});

close('an already-aborted signal consumes no set, takes no item and puts none (as the core)', async () => {
  const ac = new AbortController();
  ac.abort();
  const f = new ThreadSafeFlag();
  f.set();
  assert.is((await settle(f.wait({ signal: ac.signal }))).error.name, 'AbortError');
  assert.ok(f.isSet(), 'the set is still there');
  const q = new ThreadSafeQueue(4, 'int32');
  q.putSync(7);
  assert.is((await settle(q.get({ signal: ac.signal }))).error.name, 'AbortError');
  assert.is((await settle(q.put(8, { signal: ac.signal }))).error.name, 'AbortError');
  assert.is(q.qsize(), 1, 'nothing taken, nothing put');
  assert.is(q.getSync(), 7);
  const evt = new ThreadSafeEvent();
  evt.set();
  assert.is((await settle(evt.wait({ signal: ac.signal }))).error.name, 'AbortError');
});

const death = suite('a worker that dies ends every wait (watchWorker)');

death('a worker that throws mid-stream: the main thread\'s for await ends and waits on its event and flag reject', async () => {
  const q = new ThreadSafeQueue(16, 'int32');
  const evt = new ThreadSafeEvent();
  const f = new ThreadSafeFlag();
  const w = spawn(`
    const q = S.ThreadSafeQueue.from(workerData);
    for (let i = 0; i < 5; i++) q.putSync(i);
    throw new Error('core 2 crashed');
  `, q.share());
  watchWorker(w.worker, q, evt, f);
  const waits = [settle(evt.wait()), settle(f.wait())];
  const got = [];
  await within((async () => { for await (const x of q) got.push(x); })(), 30000, 'for await after the crash');
  assert.equal(got, [0, 1, 2, 3, 4], 'what it put before dying is still delivered');
  assert.is(await w.exit, 1);
  for (const r of await within(Promise.all(waits), 30000, 'event and flag waits')) {
    assert.ok(!r.ok && r.error instanceof ClosedError);
  }
});

death('worker.terminate() while the main thread awaits get() and put(): both settle with QueueClosed', async () => {
  const inbox = new ThreadSafeQueue(4, 'int32');
  const outbox = new ThreadSafeQueue(2, 'int32');
  outbox.putSync(7); // full: the next put waits
  const w = spawn(`for (;;) sleep(1000);`, [inbox.share(), outbox.share()]); // never acts
  watchWorker(w.worker, inbox, outbox);
  const get = settle(inbox.get());
  const put = settle(outbox.put(8));
  await new Promise((r) => setTimeout(r, 20));
  await w.worker.terminate();
  const [g, p] = await within(Promise.all([get, put]), 30000, 'get and put after terminate');
  assert.ok(!g.ok && g.error instanceof QueueClosed);
  assert.ok(!p.ok && p.error instanceof QueueClosed);
});

death('a worker blocked in getSync(true) wakes with QueueClosed when its peer worker dies', async () => {
  const q = new ThreadSafeQueue(4, 'int32');
  const consumer = spawn(`
    const q = S.ThreadSafeQueue.from(workerData);
    let err = 'none';
    try { for (;;) q.getSync(true); } catch (e) { err = e.name; }
    post(err);
  `, q.share());
  const producer = spawn(`const q = S.ThreadSafeQueue.from(workerData); q.putSync(1); sleep(20); process.exit(3);`, q.share());
  watchWorker(producer.worker, q);
  assert.is(await producer.exit, 3);
  assert.is(await consumer.message(), 'QueueClosed');
});

death('a worker terminated inside flag.waitSync() leaves its claim behind, yet the survivors get ClosedError, not FlagInUse', async () => {
  const f = new ThreadSafeFlag();
  const { w, started } = blockedInWaitSync(f, ThreadSafeEvent);
  watchWorker(w.worker, f);
  await within(started.wait(), 30000, 'worker start');
  await new Promise((r) => setTimeout(r, 20)); // it is blocked in waitSync now
  await w.worker.terminate();
  await w.exit;
  const r = await settle(f.wait());
  assert.ok(r.error instanceof ClosedError, 'got ' + (r.error && r.error.name));
});

const handles = suite('handing objects to another thread');

handles('attach() rebuilds each kind from its share() handle, sharing the same state', () => {
  const q = new ThreadSafeQueue(4, 'uint32');
  const evt = new ThreadSafeEvent();
  const f = new ThreadSafeFlag();
  const [q2, evt2, f2] = [q.share(), evt.share(), f.share()].map(attach);
  q.putSync(42);
  evt.set();
  f.set();
  assert.ok(q2 instanceof ThreadSafeQueue && evt2 instanceof ThreadSafeEvent && f2 instanceof ThreadSafeFlag);
  assert.is(q2.getSync(), 42);
  assert.ok(evt2.isSet() && f2.isSet());
  assert.equal(q.share().slots, 4);
  assert.is(q.share().type, 'uint32');
});

handles('a wrong handle or buffer gets a clear error, never a broken object', () => {
  const q = new ThreadSafeQueue(16, 'float64');
  const h = q.share();
  const is = (fn, Type, re) => assert.throws(fn, (e) => e instanceof Type && re.test(e.message));
  is(() => ThreadSafeQueue.from(undefined), TypeError, /handle must be/);
  is(() => ThreadSafeQueue.from({ buffer: new ArrayBuffer(320) }), TypeError, /SharedArrayBuffer/);
  is(() => ThreadSafeQueue.from({ buffer: new SharedArrayBuffer(320) }), TypeError, /not made by/);
  is(() => ThreadSafeQueue.from(new ThreadSafeEvent().share()), TypeError, /holds a ThreadSafeEvent/);
  is(() => ThreadSafeEvent.from(h), TypeError, /holds a ThreadSafeQueue/);
  // the same header on a buffer of the wrong size (a truncated copy)
  const short = new SharedArrayBuffer(h.buffer.byteLength - 8);
  new Int32Array(short).set(new Int32Array(h.buffer, 0, 16));
  is(() => ThreadSafeQueue.from({ buffer: short }), RangeError, /bytes/);
  is(() => ThreadSafeQueue.from({ ...h, slots: 8 }), RangeError, /handle says 8/);
  is(() => attach({ kind: 'Queue', buffer: h.buffer }), TypeError, /attach: handle must be/);
  is(() => watchWorker({}, q), TypeError, /worker must be/);
});

const exit = suite('the event loop stays alive while a thread awaits another');

/** Runs an ES module program in a child Node process; resolves with its stdout. */
function run(source, ms = 10000) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', source], { timeout: ms }, (err, stdout, stderr) => {
      if (err) reject(new Error('child failed: ' + err.message + '\n' + stderr));
      else resolve(stdout);
    });
  });
}

exit('a program whose only work is awaiting get() from an unref\'d worker prints the item instead of exiting early', async () => {
  const out = await run(`
    import { Worker } from 'node:worker_threads';
    import { ThreadSafeQueue } from ${JSON.stringify(SHARED_MJS)};
    const q = new ThreadSafeQueue(4, 'int32');
    const w = new Worker(\`
      const { workerData } = require('node:worker_threads');
      const S = require(${JSON.stringify(SHARED_MJS.replace(/\.mjs$/, '.cjs'))});
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      S.ThreadSafeQueue.from(workerData).putSync(42);
    \`, { eval: true, execArgv: [], workerData: q.share() });
    w.unref(); // nothing but the pending get() holds this program open now
    console.log('got ' + (await q.get())); // one string: no colours
  `);
  assert.is(out.trim(), 'got 42');
});

exit('a worker whose only work is await get() stays alive until the main thread puts, and answers', async () => {
  const q = new ThreadSafeQueue(4, 'int32');
  const reply = new ThreadSafeQueue(4, 'int32');
  const w = spawn(`
    const q = S.ThreadSafeQueue.from(workerData[0]), reply = S.ThreadSafeQueue.from(workerData[1]);
    q.get().then((x) => reply.putSync(x * 2)); // the worker's script ends here; only the wait remains
  `, [q.share(), reply.share()]);
  watchWorker(w.worker, q, reply); // if the worker exited early, reply would close and get() reject
  await new Promise((r) => setTimeout(r, 200));
  q.putSync(21);
  const r = await settle(within(reply.get(), 30000, 'the reply'));
  assert.ok(r.ok, 'the worker answered (an early exit closes reply: ' + (r.error && r.error.name) + ')');
  assert.is(r.value, 42);
  assert.is(await w.exit, 0, 'and then it exits by itself: the keep-alive is released');
});

exit('where Atomics.waitAsync is missing, async waits fall back to a timer and still deliver in order', async () => {
  const out = await run(`
    delete Atomics.waitAsync; // before the library loads
    const { Worker } = await import('node:worker_threads');
    const { ThreadSafeQueue } = await import(${JSON.stringify(SHARED_MJS)});
    const q = new ThreadSafeQueue(4, 'int32');
    const w = new Worker(\`
      const { workerData } = require('node:worker_threads');
      const S = require(${JSON.stringify(SHARED_MJS.replace(/\.mjs$/, '.cjs'))});
      const q = S.ThreadSafeQueue.from(workerData);
      for (let i = 0; i < 1000; i++) q.putSync(i, true);
      q.close();
    \`, { eval: true, execArgv: [], workerData: q.share() });
    let n = 0, bad = 0;
    for await (const x of q) { if (x !== n) bad++; n++; }
    console.log([n, bad, q.stats.getWaits > 0].join(' '));
  `);
  assert.is(out.trim(), '1000 0 true');
});

close.run();
death.run();
handles.run();
exit.run();
