// Context (threadsafe/shared): a worker runs the jobs the main thread posts, over the library's
// shared-memory queues. Real worker_threads, on both builds (the ESM entry with an ESM worker,
// the CommonJS entry with a CommonJS worker). Every wait is bounded by the test's own timer.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const BUILDS = [
  { name: 'dist/shared.mjs', lib: await import('../../dist/shared.mjs'), core: await import('../../dist/threadsafe.mjs'), worker: new URL('./workers/jobs.mjs', import.meta.url) },
  { name: 'dist/shared.cjs', lib: require('../../dist/shared.cjs'), core: require('../../dist/threadsafe.js'), worker: fileURLToPath(new URL('./workers/jobs.cjs', import.meta.url)) },
];

/** `promise`, or a rejection after `ms` (a bug fails the test instead of hanging it). */
function within(promise, ms = 20000) {
  let t;
  return Promise.race([promise, new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms); })]).finally(() => clearTimeout(t));
}
/** What a promise settled with: ['resolved', value] or ['rejected', error]. */
const settled = (p) => within(p.then((v) => ['resolved', v], (e) => ['rejected', e]));

for (const { name, lib, core, worker } of BUILDS) {
  const { Context, ClosedError } = lib;
  const { AbortError, TimeoutError, QueueClosed } = core;
  const test = suite(`Context: ${name}`);

  test('run(name, ...args) resolves with what the worker returned; arguments and results of any clonable kind round-trip', async () => {
    const ctx = new Context(worker);
    try {
      assert.is(await within(ctx.run('add', 2, 3)), 5);
      assert.is(await within(ctx.run('fib', 20)), 6765);
      const value = { s: 'text', n: [1, 2.5, -0], m: new Map([[1, 'one']]), b: new Uint8Array([1, 2, 3]), d: new Date(5), big: 10n };
      const back = await within(ctx.run('echo', value));
      assert.equal(back, value);
      assert.ok(back.m instanceof Map && back.b instanceof Uint8Array);
      assert.is(await within(ctx.run('echo', 'é'.repeat(1001))), 'é'.repeat(1001), 'an odd number of bytes');
      assert.is(ctx.pending(), 0);
    } finally {
      await ctx.terminate();
    }
  });

  test('an async function\'s promise is awaited in the worker', async () => {
    const ctx = new Context(worker);
    try {
      assert.is(await within(ctx.run('later', 21)), 42);
    } finally {
      await ctx.terminate();
    }
  });

  test('jobs run one at a time in the order they were posted, and each gets its own result', async () => {
    const ctx = new Context(worker);
    try {
      const ps = [];
      for (let i = 0; i < 200; i++) ps.push(ctx.run('mark', i));
      assert.is(ctx.pending(), 200);
      const rs = await within(Promise.all(ps));
      assert.equal(rs, [...Array(200).keys()]);
      assert.equal(await within(ctx.run('ran')), [...Array(200).keys()]);
    } finally {
      await ctx.terminate();
    }
  });

  test('a job that throws rejects with that error (class, message); a thrown non-error arrives as is; the next job still runs', async () => {
    const ctx = new Context(worker);
    try {
      const [how, e] = await settled(ctx.run('fail', 'bad input'));
      assert.is(how, 'rejected');
      assert.ok(e instanceof TypeError, String(e));
      assert.is(e.message, 'bad input');
      assert.equal(await settled(ctx.run('failPlain')), ['rejected', 'a string']);
      assert.is(await within(ctx.run('add', 1, 1)), 2);
    } finally {
      await ctx.terminate();
    }
  });

  test('a name the worker does not serve (or an inherited one) rejects with a TypeError naming it', async () => {
    const ctx = new Context(worker);
    try {
      const [, e] = await settled(ctx.run('nope'));
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /serves no function named "nope"/);
      const [, e2] = await settled(ctx.run('toString'));
      assert.match(e2.message, /"toString"/);
    } finally {
      await ctx.terminate();
    }
  });

  test('an argument that cannot be cloned rejects run() at once and posts nothing; a result that cannot rejects with DataCloneError', async () => {
    const ctx = new Context(worker);
    try {
      const [how, e] = await settled(ctx.run('echo', () => 1));
      assert.is(how, 'rejected');
      assert.match(e.message, /could not be cloned/);
      assert.is(ctx.pending(), 0);
      const [how2, e2] = await settled(ctx.run('unclonable'));
      assert.is(how2, 'rejected');
      assert.match(e2.message, /could not be cloned/);
    } finally {
      await ctx.terminate();
    }
  });

  test('aborting a job not yet started withdraws it: AbortError with started false and the reason; the worker never runs it', async () => {
    const ctx = new Context(worker);
    try {
      await within(ctx.run('add', 0, 0)); // the worker is up
      const busy = ctx.run('sleep', 300, 'busy');
      const ac = new AbortController();
      const queued = ctx.runWith({ signal: ac.signal }, 'mark', 'withdrawn');
      await new Promise((r) => setTimeout(r, 50));
      ac.abort('changed my mind');
      const [how, e] = await settled(queued);
      assert.is(how, 'rejected');
      assert.ok(e instanceof AbortError);
      assert.is(e.started, false);
      assert.is(e.reason, 'changed my mind');
      assert.is(await within(busy), 'busy');
      assert.equal(await within(ctx.run('ran')), ['busy'], 'the withdrawn job did not run');
      assert.is(ctx.pending(), 0);
    } finally {
      await ctx.terminate();
    }
  });

  test('a timeout on a running job rejects at once with TimeoutError, started true; the job runs on, its result is dropped, later jobs get theirs', async () => {
    const ctx = new Context(worker);
    try {
      await within(ctx.run('add', 0, 0)); // the worker is up
      const t0 = Date.now();
      const [how, e] = await settled(ctx.runWith({ timeout: 50 }, 'sleep', 400, 'slow'));
      assert.is(how, 'rejected');
      assert.ok(e instanceof TimeoutError);
      assert.is(e.started, true);
      assert.ok(Date.now() - t0 < 350, 'rejected before the job ended');
      assert.is(await within(ctx.run('add', 40, 2)), 42, 'the next job gets its own result, not the dropped one');
      assert.equal(await within(ctx.run('ran')), ['slow']);
    } finally {
      await ctx.terminate();
    }
  });

  test('an already-aborted signal rejects without posting; bad options throw naming them', async () => {
    const ctx = new Context(worker);
    try {
      const ac = new AbortController();
      ac.abort();
      const [, e] = await settled(ctx.runWith({ signal: ac.signal }, 'mark', 'never'));
      assert.ok(e instanceof AbortError);
      assert.is(e.started, false);
      assert.throws(() => ctx.runWith({ timeot: 1 }, 'mark', 1), /Context.runWith: unknown option "timeot"/);
      assert.equal(await within(ctx.run('ran')), []);
    } finally {
      await ctx.terminate();
    }
  });

  test('close() lets the posted jobs finish, then the worker exits with 0; a run() after it rejects with QueueClosed', async () => {
    const ctx = new Context(worker);
    const a = ctx.run('sleep', 50, 'a');
    const b = ctx.run('mark', 'b');
    const code = await within(ctx.close());
    assert.is(code, 0);
    assert.equal([await a, await b], ['a', 'b']);
    const [, e] = await settled(ctx.run('mark', 'c'));
    assert.ok(e instanceof QueueClosed);
  });

  test('a worker that exits in a job rejects every job in flight with ClosedError naming the exit code', async () => {
    const ctx = new Context(worker);
    const dying = ctx.run('exit', 3);
    const after = ctx.run('mark', 'never');
    const [how, e] = await settled(dying);
    assert.is(how, 'rejected');
    assert.ok(e instanceof ClosedError, String(e));
    assert.match(e.message, /exited with code 3/);
    assert.ok((await settled(after))[1] instanceof ClosedError);
    assert.is(ctx.pending(), 0);
  });

  test('terminate() ends the worker at once and rejects the running job with ClosedError', async () => {
    const ctx = new Context(worker);
    const long = ctx.run('sleep', 5000, 'long');
    await new Promise((r) => setTimeout(r, 50));
    await within(ctx.terminate(), 3000);
    assert.ok((await settled(long))[1] instanceof ClosedError);
  });

  test('2,000 jobs posted at once through 16-word queues (frames wait for room): every result arrives, in order', async () => {
    const ctx = new Context(worker, { slots: 16 });
    try {
      const ps = [];
      for (let i = 0; i < 2000; i++) ps.push(ctx.run('echo', { i, s: 'x'.repeat(i % 50) }));
      const rs = await within(Promise.all(ps), 60000);
      rs.forEach((r, i) => assert.equal(r, { i, s: 'x'.repeat(i % 50) }));
    } finally {
      await ctx.terminate();
    }
  });

  test('bad construction: no new, a file that is not a path/URL, bad options: TypeError/RangeError naming them', () => {
    assert.throws(() => Context.call({}, worker), /without 'new'|call it with new/);
    assert.throws(() => new Context(42), /Context: file must be a path or a URL/);
    assert.throws(() => new Context(worker, { slot: 16 }), /unknown option "slot"/);
    assert.throws(() => new Context(worker, { slots: 8 }), (e) => e instanceof RangeError && /options.slots must be an integer from 16/.test(e.message));
  });

  test.run();
}

const exits = suite('Context and the process');
exits('a program that ran a job and never closed its Context still exits (the idle worker does not hold it)', () => {
  const entry = fileURLToPath(new URL('../../dist/shared.mjs', import.meta.url));
  const file = fileURLToPath(new URL('./workers/jobs.mjs', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'threadsafe-context-'));
  const program = join(dir, 'main.mjs');
  writeFileSync(program, `import { Context } from ${JSON.stringify(entry)}; const ctx = new Context(${JSON.stringify(file)}); console.log(String(await ctx.run('add', 1, 2)));\n`);
  let out;
  try {
    out = execFileSync(process.execPath, [program], { encoding: 'utf8', timeout: 20000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.is(out.trim(), '3');
});
exits.run();
