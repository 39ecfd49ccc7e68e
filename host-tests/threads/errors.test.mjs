// The shared entry's argument rules and error classes: one timeout rule for the blocking calls
// and the async waits, and the core's own error classes (not copies).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { ThreadSafeEvent, ThreadSafeFlag, ThreadSafeQueue } from '../../dist/shared.mjs';
import * as core from '../../dist/threadsafe.mjs';
import * as shared from '../../dist/shared.mjs';
import { settle, spawn } from './helpers.mjs';

const require = createRequire(import.meta.url);

const test = suite('shared entry: arguments and errors');

test('a timeout follows one rule everywhere: Infinity or more than 2147483647 ms is a RangeError for the blocking calls as for the async waits', async () => {
  const q = new ThreadSafeQueue(4, 'int32');
  const evt = new ThreadSafeEvent();
  const f = new ThreadSafeFlag();
  for (const bad of [Infinity, 2 ** 31, -1, NaN]) {
    const calls = {
      'getSync(true, t)': () => q.getSync(true, bad),
      'putSync(1, true, t)': () => q.putSync(1, true, bad),
      'event waitSync(t)': () => evt.waitSync(bad),
      'flag waitSync(t)': () => f.waitSync(bad),
      'get({ timeout })': () => q.get({ timeout: bad }),
      'put(1, { timeout })': () => q.put(1, { timeout: bad }),
      'event wait({ timeout })': () => evt.wait({ timeout: bad }),
      'flag wait({ timeout })': () => f.wait({ timeout: bad }),
    };
    for (const [what, call] of Object.entries(calls)) {
      assert.throws(call, (e) => e instanceof RangeError && /timeout must be/.test(e.message), `${what} with ${bad}`);
    }
  }
  assert.is(q.qsize(), 0, 'nothing was put');
  // in a worker the longest timeout is accepted (and a short one times out as usual)
  const w = spawn(`
    const q = S.ThreadSafeQueue.from(workerData);
    const out = [];
    try { q.getSync(true, Infinity); } catch (e) { out.push(e.name); }
    try { q.getSync(true, 1); } catch (e) { out.push(e.name); }
    q.putSync(7);
    out.push(q.getSync(true, 2147483647));
    post(out);
  `, q.share());
  assert.equal(await w.message(), ['RangeError', 'TimeoutError', 7]);
  await w.exit;
});

test('an error thrown by a shared object is instanceof the core\'s class of that name (ESM with ESM, require with require)', async () => {
  const names = ['QueueFull', 'QueueEmpty', 'QueueClosed', 'AbortError', 'TimeoutError', 'FlagInUse'];
  const coreCjs = require('../../dist/threadsafe.js');
  const sharedCjs = require('../../dist/shared.cjs');
  for (const name of names) {
    assert.is(shared[name], core[name], name + ': the same class in the ESM builds');
    assert.is(sharedCjs[name], coreCjs[name], name + ': the same class in the CommonJS builds');
  }
  const q = new ThreadSafeQueue(2, 'int32');
  const caught = [];
  const grab = (fn) => { try { fn(); } catch (e) { caught.push(e); } };
  grab(() => q.getSync());
  q.putSync(1);
  grab(() => q.putSync(2));
  q.close();
  grab(() => q.putSync(3));
  const f = new ThreadSafeFlag();
  const first = f.wait({ timeout: 1 });
  caught.push((await settle(f.wait())).error);
  caught.push((await settle(first)).error);
  const ac = new AbortController();
  ac.abort();
  caught.push((await settle(new ThreadSafeEvent().wait({ signal: ac.signal }))).error);
  assert.equal(caught.map((e) => e.name), ['QueueEmpty', 'QueueFull', 'QueueClosed', 'FlagInUse', 'TimeoutError', 'AbortError']);
  for (const e of caught) assert.ok(e instanceof core[e.name], e.name + ' instanceof the core class');
  // in a worker, through require()
  const w = spawn(`
    const core = require(${JSON.stringify(require.resolve('../../dist/threadsafe.js'))});
    const q = new S.ThreadSafeQueue(2, 'int32');
    let r;
    try { q.getSync(); } catch (e) { r = e instanceof core.QueueEmpty; }
    post(r);
  `);
  assert.is(await w.message(), true);
  await w.exit;
});

test('the shared event and flag take no argument, and wait() refuses an unknown option naming it', () => {
  for (const C of [ThreadSafeEvent, ThreadSafeFlag]) {
    assert.throws(() => new C(5), (e) => e instanceof TypeError && new RegExp(`^${C.name}: takes 0 argument`).test(e.message));
    assert.throws(() => new C().wait({ timeot: 5 }), (e) => e instanceof TypeError && /unknown option "timeot" \(the options are signal, timeout\)/.test(e.message));
  }
  assert.throws(() => new ThreadSafeQueue(4).get({ timeot: 5 }), (e) => e instanceof TypeError && /ThreadSafeQueue\.get: unknown option "timeot"/.test(e.message));
});

test.run();
