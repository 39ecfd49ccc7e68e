// The library's minimal AbortController (for runtimes without one: Kaluma, Espruino).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILDS, drain, rejectsLike, track } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { AbortController, AbortSignal, AbortError, ThreadSafeEvent, ThreadSafeQueue } = lib;
  const test = suite(`AbortController (the library's): ${name}`);

  test('a new controller\'s signal is not aborted and has no reason', () => {
    const ac = new AbortController();
    assert.ok(ac.signal instanceof AbortSignal);
    assert.is(ac.signal.aborted, false);
    assert.is(ac.signal.reason, undefined);
  });

  test('abort(reason) sets aborted and reason, and calls function and handleEvent listeners once, in order, then onabort', () => {
    const ac = new AbortController();
    const log = [];
    ac.signal.addEventListener('abort', function (e) { log.push(['fn', e.type, e.target === ac.signal, this === ac.signal]); });
    ac.signal.addEventListener('abort', { handleEvent(e) { log.push(['obj', e.type]); } });
    ac.signal.onabort = (e) => log.push(['onabort', e.type]);
    ac.abort('why');
    ac.abort('again');
    assert.is(ac.signal.aborted, true);
    assert.is(ac.signal.reason, 'why');
    assert.equal(log, [['fn', 'abort', true, true], ['obj', 'abort'], ['onabort', 'abort']]);
  });

  test('abort() without a reason gives an AbortError reason, which throwIfAborted throws', () => {
    const ac = new AbortController();
    ac.signal.throwIfAborted();
    ac.abort();
    assert.ok(ac.signal.reason instanceof AbortError);
    try { ac.signal.throwIfAborted(); assert.unreachable(); } catch (e) { assert.is(e, ac.signal.reason); }
  });

  test('a listener added twice is called once; a removed listener is not called; other event types are ignored', () => {
    const ac = new AbortController();
    let n = 0;
    let removed = 0;
    const l = () => n++;
    const r = () => removed++;
    ac.signal.addEventListener('abort', l);
    ac.signal.addEventListener('abort', l);
    ac.signal.addEventListener('abort', r);
    ac.signal.removeEventListener('abort', r);
    ac.signal.removeEventListener('abort', () => {});
    ac.signal.addEventListener('other', r);
    ac.abort();
    assert.is(n, 1);
    assert.is(removed, 0);
  });

  test('a listener removed by an earlier one during the abort is not called (as the standard, and Node)', () => {
    const ac = new AbortController();
    const log = [];
    const b = () => log.push('b');
    ac.signal.addEventListener('abort', () => { log.push('a'); ac.signal.removeEventListener('abort', b); });
    ac.signal.addEventListener('abort', b);
    ac.signal.addEventListener('abort', () => log.push('c'));
    ac.abort();
    assert.equal(log, ['a', 'c']);
    assert.is(ac.signal._listeners.length, 0);
  });

  test('a listener added during the abort is neither called nor kept', () => {
    const ac = new AbortController();
    const log = [];
    ac.signal.addEventListener('abort', () => { log.push('a'); ac.signal.addEventListener('abort', () => log.push('added')); });
    ac.abort();
    assert.equal(log, ['a']);
    assert.is(ac.signal._listeners.length, 0);
  });

  test('a listener that throws does not keep the others from running: waiters still reject and unregister, then abort() rethrows', async () => {
    const evt = new ThreadSafeEvent();
    const ac = new AbortController();
    const boom = new Error('listener bug');
    ac.signal.addEventListener('abort', () => { throw boom; });
    const w = track(evt.wait({ signal: ac.signal }));
    let later = false;
    ac.signal.addEventListener('abort', () => { later = true; });
    let thrown;
    try { ac.abort(); } catch (e) { thrown = e; }
    assert.is(thrown, boom);
    assert.is(later, true);
    assert.is(ac.signal.aborted, true);
    await drain();
    assert.is(w.state(), 'rejected');
    assert.ok(w.error instanceof AbortError);
    assert.is(ac.signal._listeners.length, 0);
  });

  test('a listener added after the abort is neither called nor kept', () => {
    const ac = new AbortController();
    ac.abort();
    let called = false;
    ac.signal.addEventListener('abort', () => { called = true; });
    ac.abort();
    assert.is(called, false);
    assert.is(ac.signal._listeners.length, 0);
  });

  test('an event wait with the library\'s signal: abort rejects with AbortError and no listener stays registered', async () => {
    const evt = new ThreadSafeEvent();
    const ac = new AbortController();
    const w = evt.wait({ signal: ac.signal });
    const other = track(evt.wait());
    assert.is(ac.signal._listeners.length, 1);
    ac.abort('r');
    const err = await rejectsLike(w, AbortError);
    assert.is(err.reason, 'r');
    assert.is(ac.signal._listeners.length, 0);
    evt.set();
    await drain();
    assert.is(other.state(), 'resolved');
  });

  test('a queue get() with the library\'s signal that receives an item removes its listener', async () => {
    const q = new ThreadSafeQueue(new Array(2));
    const ac = new AbortController();
    const g = q.get({ signal: ac.signal });
    q.putSync(5);
    assert.is(ac.signal._listeners.length, 0);
    assert.is(await g, 5);
  });

  test.run();
}
