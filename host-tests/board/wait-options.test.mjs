// The wait options (`{ signal, timeout }`) in a board program built from the library's sources
// (`threadsafe build`): a program carries their code only once something enables them (the
// build itself, when the program's own code names `signal` or `timeout`; `enableWaitOptions()`,
// `new AbortController()`, `select()`); given options without that (built where the build
// cannot see them), a wait throws a TypeError that names the method and the fix. Each program is built as a user
// builds theirs and run here in a fresh Node context (the bundles are ES5 board scripts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildProgram, resolveProgram } from '../../scripts/lib/program.mjs';

const dir = mkdtempSync(join(tmpdir(), 'threadsafe-wait-options-'));
let n = 0;

/**
 * Builds `source` as a board program and runs its bundle until none of its timers is left (then
 * one more turn for the promise jobs they started; at most 10 s): no fixed wait that a busy
 * machine could outrun. { code, lines, optionsAt }.
 */
async function buildAndRun(source, files = {}) {
  const file = join(dir, `app${++n}.ts`);
  writeFileSync(file, source);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const b = await buildProgram(resolveProgram(file), { out: join(dir, `app${n}.js`) });
  const code = readFileSync(b.file, 'utf8');
  const lines = [];
  const live = new Set();
  const timers = {
    setTimeout(fn, ms, ...args) {
      const t = setTimeout(() => {
        live.delete(t);
        fn(...args);
      }, ms);
      live.add(t);
      return t;
    },
    clearTimeout(t) {
      live.delete(t);
      clearTimeout(t);
    },
  };
  const context = vm.createContext({ ...timers, console: { log: (s) => lines.push(String(s)) } });
  vm.runInContext(code, context);
  const end = Date.now() + 10000;
  do await new Promise((r) => setImmediate(r));
  while (live.size > 0 && Date.now() < end);
  assert.is(live.size, 0, 'the program\'s timers ran out within 10 s');
  return { code, lines, optionsAt: b.optionsAt };
}

const test = suite('wait options in a board program built from the sources');

test('a flag-only program that passes no options carries none of their code', async () => {
  const { code, lines } = await buildAndRun(
    "import { ThreadSafeFlag } from 'threadsafe';\nconst f = new ThreadSafeFlag();\nf.wait().then(function () { console.log('woken'); });\nf.set();\n",
  );
  assert.equal(lines, ['woken']);
  for (const absent of ['TimeoutError', 'AbortError', 'options.timeout', 'removeEventListener', 'setTimeout']) {
    assert.not.ok(code.includes(absent), `the program contains ${absent}`);
  }
});

test('a wait given options the build cannot see, in a program that never enabled them, throws a TypeError naming the method and enableWaitOptions()', async () => {
  const { lines, optionsAt } = await buildAndRun(
    "import { ThreadSafeEvent, ThreadSafeFlag } from 'threadsafe';\n" +
      'const f = new ThreadSafeFlag();\nconst e = new ThreadSafeEvent();\n' +
      "try { f.wait(JSON.parse('{\"timeout\":10}')); console.log('no throw'); } catch (err) { console.log((err instanceof TypeError) + ' ' + (err as Error).message); }\n" +
      "try { e.wait({}); console.log('no throw'); } catch (err) { console.log((err instanceof TypeError) + ' ' + (err as Error).message); }\n" +
      "console.log('waiters ' + f.hasWaiters() + ' ' + e.hasWaiters());\n",
  );
  assert.is(optionsAt, null);
  assert.equal(lines, [
    'true ThreadSafeFlag.wait: options need enableWaitOptions() first',
    'true ThreadSafeEvent.wait: options need enableWaitOptions() first',
    'waiters false false',
  ]);
});

test('a program that writes wait({ timeout }) gets the options from the build without calling enableWaitOptions(): the wait rejects with TimeoutError', async () => {
  const { code, lines, optionsAt } = await buildAndRun(
    "import { ThreadSafeFlag, TimeoutError } from 'threadsafe';\nconst f = new ThreadSafeFlag();\n" +
      "f.wait({ timeout: 5 }).then(function () { console.log('resolved'); }, function (err) { console.log('rejected ' + (err instanceof TimeoutError) + ' ' + f.hasWaiters()); });\n",
  );
  assert.match(optionsAt, /app\d+\.ts:3$/);
  assert.ok(code.includes('TimeoutError'), 'the options code is in the bundle');
  assert.equal(lines, ['rejected true false']);
});

test('options named in a file the entry imports are on before that file\'s top level waits', async () => {
  const { lines, optionsAt } = await buildAndRun(
    "import { f } from './sensor';\nconsole.log('entry ' + f.hasWaiters());\n",
    {
      'sensor.ts': "import { ThreadSafeFlag } from 'threadsafe';\nexport const f = new ThreadSafeFlag();\nconst opts = { signal: undefined, timeout: 5 };\n" +
        "f.wait(opts).then(function () { console.log('resolved'); }, function (err) { console.log('sensor ' + (err as Error).name); });\n",
    },
  );
  assert.match(optionsAt, /sensor\.ts:3$/);
  assert.equal(lines, ['entry true', 'sensor TimeoutError']);
});

test('after enableWaitOptions() a timeout rejects with TimeoutError and bad options are named', async () => {
  const { lines } = await buildAndRun(
    "import { enableWaitOptions, ThreadSafeFlag, TimeoutError } from 'threadsafe';\n" +
      'enableWaitOptions();\nconst f = new ThreadSafeFlag();\n' +
      "try { f.wait({ timeout: -1 }); } catch (err) { console.log((err as Error).message); }\n" +
      "f.wait({ timeout: 5 }).then(function () { console.log('resolved'); }, function (err) { console.log('rejected ' + (err instanceof TimeoutError) + ' ' + f.hasWaiters()); });\n",
  );
  assert.equal(lines, ['ThreadSafeFlag.wait: options.timeout must be a finite number >= 0, got -1', 'rejected true false']);
});

test('the library\'s AbortController enables the options itself: an aborted wait rejects with AbortError, the other waiter still wakes', async () => {
  const { lines } = await buildAndRun(
    "import { AbortController, AbortError, ThreadSafeEvent } from 'threadsafe';\n" +
      'const e = new ThreadSafeEvent();\nconst c = new AbortController();\n' +
      "e.wait({ signal: c.signal }).then(function () { console.log('resolved'); }, function (err) { console.log('aborted ' + (err instanceof AbortError) + ' ' + (err as any).reason); });\n" +
      "e.wait().then(function () { console.log('woken'); });\n" +
      "c.abort('stop');\nsetTimeout(function () { e.set(); }, 5);\n",
  );
  assert.equal(lines, ['aborted true stop', 'woken']);
});

test('select() enables the options itself: select([...], { timeout }) rejects with TimeoutError and leaves nothing registered', async () => {
  const { lines } = await buildAndRun(
    "import { select, ThreadSafeFlag, ThreadSafeMessage, TimeoutError } from 'threadsafe';\n" +
      'const f = new ThreadSafeFlag();\nconst m = new ThreadSafeMessage<number>();\n' +
      "select([f, m], { timeout: 5 }).then(function () { console.log('resolved'); }, function (err) { console.log('timed out ' + (err instanceof TimeoutError) + ' ' + f.hasWaiters() + ' ' + m.hasWaiters()); });\n",
  );
  assert.equal(lines, ['timed out true false false']);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
