// ThreadSafeEvent and ThreadSafeFlag in shared memory, set and awaited across real workers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getEventListeners } from 'node:events';
import { AbortError, ThreadSafeEvent, ThreadSafeFlag, FlagInUse, TimeoutError, watchWorker } from '../../dist/shared.mjs';
import { settle, spawn, within } from './helpers.mjs';

const event = suite('ThreadSafeEvent across threads');

event('a set() from a worker wakes every waiter on the main thread, and the event stays set', async () => {
  const evt = new ThreadSafeEvent();
  const waits = [evt.wait(), evt.wait(), evt.wait({ timeout: 30000 })];
  const w = spawn(`sleep(20); S.ThreadSafeEvent.from(workerData).set();`, evt.share());
  watchWorker(w.worker, evt);
  await within(Promise.all(waits), 30000, 'three main-thread waits');
  assert.ok(evt.isSet());
  await w.exit;
});

event('a set() on the main thread wakes a worker blocked in waitSync() and one awaiting wait()', async () => {
  const evt = new ThreadSafeEvent();
  const ready = new ThreadSafeEvent();
  const w = spawn(`
    const evt = S.ThreadSafeEvent.from(workerData.evt), ready = S.ThreadSafeEvent.from(workerData.ready);
    const other = S.ThreadSafeEvent.from(workerData.evt);
    const t0 = Date.now();
    ready.set();
    evt.waitSync(30000);
    post('blocking waiter woke');
    other.wait({ timeout: 30000 }).then(() => post('async waiter woke'), (e) => post('async waiter failed: ' + e.name));
  `, { evt: evt.share(), ready: ready.share() });
  watchWorker(w.worker, evt, ready);
  await within(ready.wait(), 30000, 'worker start');
  await new Promise((r) => setTimeout(r, 20)); // let it fall asleep in waitSync
  evt.set();
  assert.is(await w.message((m) => m.startsWith('blocking')), 'blocking waiter woke');
  assert.is(await w.message((m) => m.startsWith('async')), 'async waiter woke');
  await w.exit;
});

event('a set() before the wait is not lost: a worker that waits later returns at once', async () => {
  const evt = new ThreadSafeEvent();
  evt.set();
  const w = spawn(`const e = S.ThreadSafeEvent.from(workerData); e.waitSync(0); post(e.isSet());`, evt.share());
  assert.is(await w.message(), true);
  assert.is(await w.exit, 0);
});

event('set(); clear() at once by a worker still wakes the main-thread waiter that was waiting, and a later wait waits (1000 rounds)', async () => {
  const evt = new ThreadSafeEvent();
  const go = new ThreadSafeFlag();
  const back = new ThreadSafeFlag();
  const w = spawn(`
    const evt = S.ThreadSafeEvent.from(workerData.evt), go = S.ThreadSafeFlag.from(workerData.go);
    const back = S.ThreadSafeFlag.from(workerData.back);
    for (let i = 0; i < 1000; i++) {
      go.waitSync(30000);
      evt.set();
      evt.clear(); // races the main thread's wake-up on purpose
      back.set(); // (so that the next round's wait() does not find the event still set)
    }
    post('done');
  `, { evt: evt.share(), go: go.share(), back: back.share() });
  // (not watchWorker: the event must stay open after the worker ends, for the last check)
  let woke = 0;
  for (let i = 0; i < 1000; i++) {
    const p = evt.wait({ timeout: 30000 }); // registered now: any set from here on must reach it
    go.set();
    await p;
    woke++;
    await back.wait({ timeout: 30000 });
  }
  assert.is(woke, 1000);
  assert.is(await w.message(), 'done');
  assert.not.ok(evt.isSet(), 'the last clear() stands');
  const later = await settle(evt.wait({ timeout: 30 }));
  assert.ok(!later.ok && later.error instanceof TimeoutError, 'a wait after set(); clear() waits');
});

event('wait({ timeout }) on the main thread rejects with TimeoutError when no worker sets it, and others still get the set', async () => {
  const evt = new ThreadSafeEvent();
  const short = settle(evt.wait({ timeout: 20 }));
  const long = evt.wait({ timeout: 30000 });
  const r = await short;
  assert.ok(!r.ok && r.error instanceof TimeoutError);
  const w = spawn(`S.ThreadSafeEvent.from(workerData).set();`, evt.share());
  await within(long, 30000, 'the remaining waiter');
  await w.exit;
});

const flag = suite('ThreadSafeFlag across threads');

flag('10,000 ping-pongs between the main thread (await wait) and a worker (waitSync) lose no wake-up', async () => {
  const ping = new ThreadSafeFlag();
  const pong = new ThreadSafeFlag();
  const w = spawn(`
    const ping = S.ThreadSafeFlag.from(workerData.ping), pong = S.ThreadSafeFlag.from(workerData.pong);
    for (let i = 0; i < 10000; i++) { ping.waitSync(30000); pong.set(); }
    post('done');
  `, { ping: ping.share(), pong: pong.share() });
  watchWorker(w.worker, ping, pong);
  for (let i = 0; i < 10000; i++) {
    ping.set();
    await pong.wait({ timeout: 30000 });
  }
  assert.is(await w.message(), 'done');
  assert.not.ok(ping.isSet() || pong.isSet(), 'every set was consumed');
});

flag('two sets before the wait wake a worker once, and the flag is clear afterwards', async () => {
  const f = new ThreadSafeFlag();
  f.set();
  f.set();
  const w = spawn(`
    const f = S.ThreadSafeFlag.from(workerData);
    f.waitSync(1000);
    let second = 'woke';
    try { f.waitSync(30); } catch (e) { second = e.name; }
    post({ second, isSet: f.isSet() });
  `, f.share());
  assert.equal(await w.message(), { second: 'TimeoutError', isSet: false });
});

flag('a flag set by a worker wakes the main thread, and clear() after a consumed set changes nothing', async () => {
  const f = new ThreadSafeFlag();
  const p = f.wait({ timeout: 30000 });
  const w = spawn(`sleep(20); S.ThreadSafeFlag.from(workerData).set();`, f.share());
  await within(p, 30000, 'main-thread wait');
  f.clear();
  assert.not.ok(f.isSet());
  await w.exit;
});

flag('a second waiter on another thread gets FlagInUse while the main thread waits', async () => {
  const f = new ThreadSafeFlag();
  const p = f.wait({ timeout: 30000 });
  const w = spawn(`
    const f = S.ThreadSafeFlag.from(workerData);
    let r = 'no error';
    try { f.waitSync(10); } catch (e) { r = e instanceof S.FlagInUse ? 'FlagInUse' : e.name; }
    post(r);
    f.set();
  `, f.share());
  assert.is(await w.message(), 'FlagInUse');
  await within(p, 30000, 'the first waiter');
  // the claim is released once the wait settled: a new wait is allowed
  const again = settle(f.wait({ timeout: 10 }));
  const r = await again;
  assert.ok(!r.ok && r.error instanceof TimeoutError, 'a later wait waits (and times out), no FlagInUse');
  assert.not.ok((await settle(f.wait({ timeout: 1 }))).error instanceof FlagInUse);
});

event('waitSync() on the main thread throws a TypeError that says why, for the event and the flag', () => {
  const evt = new ThreadSafeEvent();
  const f = new ThreadSafeFlag();
  assert.throws(() => evt.waitSync(10), (e) => e instanceof TypeError && /main thread/.test(e.message));
  assert.throws(() => f.waitSync(), (e) => e instanceof TypeError && /main thread/.test(e.message));
  assert.not.ok(f.isSet() || evt.isSet());
});

flag('set(); clear() at once by a worker still wakes the main-thread waiter, and leaves the flag clear (500 rounds)', async () => {
  const f = new ThreadSafeFlag();
  const go = new ThreadSafeFlag();
  const back = new ThreadSafeFlag();
  const w = spawn(`
    const f = S.ThreadSafeFlag.from(workerData.f), go = S.ThreadSafeFlag.from(workerData.go);
    const back = S.ThreadSafeFlag.from(workerData.back);
    for (let i = 0; i < 500; i++) { go.waitSync(30000); f.set(); f.clear(); back.set(); }
  `, { f: f.share(), go: go.share(), back: back.share() });
  let woke = 0;
  for (let i = 0; i < 500; i++) {
    const p = f.wait({ timeout: 30000 }); // claimed now: the set must reach it
    go.set();
    await p;
    woke++;
    await back.wait({ timeout: 30000 });
  }
  assert.is(woke, 500);
  assert.not.ok(f.isSet());
  assert.is(await w.exit, 0);
});

event.run();
flag('flag: a wait begun in the same turn as the abort of the previous one is not FlagInUse, and gets the next set', async () => {
  const f = new ThreadSafeFlag();
  const ac = new AbortController();
  const first = settle(f.wait({ signal: ac.signal }));
  ac.abort('stop');
  const second = f.wait({ timeout: 5000 }); // same turn: the claim is already free
  const other = settle(ThreadSafeFlag.from(f.share()).wait()); // as another thread: the claim is taken by second now
  const r1 = await first;
  assert.ok(r1.error instanceof AbortError && r1.error.reason === 'stop', 'the first wait rejects with AbortError');
  const r3 = await other;
  assert.ok(r3.error instanceof FlagInUse, 'the second wait holds the claim');
  f.set();
  assert.is(await within(second, 5000, 'the second wait'), undefined);
  assert.is(f.isSet(), false, 'the second wait consumed the set');
  const words = new Int32Array(f.share().buffer);
  assert.is(words[7], 0, 'no claim left (word 7, WAITER)');
  // a wait with a signal and a timeout that is set: its listener goes with it
  const ac2 = new AbortController();
  const third = f.wait({ signal: ac2.signal, timeout: 5000 });
  f.set();
  await within(third, 5000, 'the third wait');
  assert.is(getEventListeners(ac2.signal, 'abort').length, 0);
  assert.is(words[7], 0);
});

flag.run();
