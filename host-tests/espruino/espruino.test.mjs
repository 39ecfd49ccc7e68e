// The Espruino tier: acceptance programs run on the real Espruino 2v29 interpreter (its Linux
// build, ../shared/espruino beside the clone, as in CI), not on a sandbox that imitates it.
// Each program is dist/threadsafe.js (the UMD bundle sets the global `threadsafe`) + prelude.js
// + one program of this folder, or a recipe of the docs (README.md, docs/*.md) + a driver, or the
// Espruino demo bundle. A
// program prints one line per check; each test compares them, in order, with its expected list.
// Where ../shared/espruino is absent (a user's clone) the tier prints why and registers nothing.
// Programs start in `before`, at most two at a time; each takes well under a second except the
// echo demo (about 2 s: 2000 items at 9 per 10 ms tick).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as acorn from 'acorn';
import { allDocs, EXPECTED, MINIFIED, pages, program, PROGRAMS, read, RECIPES } from './programs.mjs';

const root = new URL('../../', import.meta.url).pathname;
const SHARED = join(root, '..', 'shared', 'espruino');
const RUNNER = join(SHARED, 'run-espruino.mjs');

// ---- running programs on Espruino, two at a time ----

const MAX_PARALLEL = 2;
let running = 0;
const waiting = [];
function limited(fn) {
  return new Promise((resolve) => {
    const go = () => {
      running++;
      fn().then(resolve).finally(() => {
        running--;
        if (waiting.length) waiting.shift()();
      });
    };
    if (running < MAX_PARALLEL) go();
    else waiting.push(go);
  });
}

const FIFO_FULL = 'New interpreter error: FIFO_FULL';
/** The lines for which run-espruino.mjs exits with 1 (see its header). */
const ERROR_LINE = /^(Uncaught |ERROR: |New interpreter error: |ASSERT|Execution Interrupted)/;

/** Runs `source` on Espruino until `until` is printed (or `ms` pass): { code, lines } (code as run-espruino.mjs). */
function espruino(source, { ms = 8000, until = 'DONE' } = {}) {
  return limited(() => new Promise((resolve) => {
    const dir = mkdtempSync(join(tmpdir(), 'threadsafe-espruino-'));
    const file = join(dir, 'program.js');
    writeFileSync(file, source);
    execFile(process.execPath, [RUNNER, file, '--ms', String(ms), '--until', until, '--quiet'], { encoding: 'utf8', timeout: ms + 5000 },
      (err, stdout) => {
        rmSync(dir, { recursive: true, force: true });
        let lines = stdout.split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        let code = err ? err.code : 0;
        // "FIFO_FULL" is Espruino's own IO buffer of console characters overflowing (its
        // JSERR_RX_FIFO_FULL: "character data and watch events"), seen once in a CI-like run on
        // a loaded machine; these programs read no input and watch no pin, so it says nothing
        // about them. Dropped, and then the run's exit code counts only the other lines.
        if (lines.includes(FIFO_FULL)) {
          lines = lines.filter((l) => l !== FIFO_FULL);
          if (code === 1 && !lines.some((l) => ERROR_LINE.test(l))) code = 0;
        }
        resolve({ code, lines, source });
      });
  }));
}

// ---- the tier ----

const test = suite('Espruino 2v29 (the real interpreter, its Linux build)');
const runs = {};

if (!existsSync(RUNNER)) {
  console.log(`  Espruino tier skipped: ${SHARED} is absent (the Espruino 2v29 Linux build and its runner sit beside the clone in CI)`);
} else {
  test.before(() => {
    for (const name of PROGRAMS) runs[name] = espruino(program(name));
    for (const name of MINIFIED) runs[name + '.min'] = espruino(program(name, 'dist/threadsafe.min.js'));
    for (const name of MINIFIED) runs[name + '.esp'] = espruino(program(name, 'dist/threadsafe.espruino.min.js'));
    const readme = allDocs();
    for (const r of RECIPES) {
      const recipe = r.find(readme);
      runs[r.name] = recipe === undefined ? Promise.resolve(null)
        : espruino(read('dist/threadsafe.js') + '\n' + (typeof r.driver === 'function' ? r.driver(recipe) : recipe + '\n' + r.driver));
    }
    runs.echo = espruino(read('dist/espruino/echo.js'), { ms: 9000, until: 'Received 2000 queue items.' });
  });

  const accept = (title, name) => test(title, async () => {
    const { code, lines } = await runs[name];
    assert.equal(lines, EXPECTED[name]);
    assert.is(code, 0, 'run-espruino exit code (1: an uncaught error was printed)');
  });
  accept('ThreadSafeFlag: set/clear/wait/isSet/hasWaiters/onwait, FlagInUse, timeout, abort, bad options', 'flag');
  accept('ThreadSafeEvent: many waiters woken in order, set then clear, abort and timeout of one waiter, bad options', 'event');
  accept('ThreadSafeQueue on an Array: every method and query, waiting put/get/next, timeout, abort, block, bad buffers, close', 'queue');
  accept('ThreadSafeQueue on every TypedArray kind Espruino has (no ArrayBuffer.isView there): ring, faithful-value checks, close', 'typed');
  accept('AbortController/AbortSignal: listeners, handleEvent, onabort, throwIfAborted, abort twice, throwing listeners', 'abort');
  accept('error classes: instanceof, name, message, String(e), default message, called without new', 'errors');

  test('the minified bundle (dist/threadsafe.min.js) prints the same lines in the flag, event, queue, typed, abort and errors programs', async () => {
    for (const name of MINIFIED) {
      const { code, lines } = await runs[name + '.min'];
      assert.equal(lines, EXPECTED[name], name);
      assert.is(code, 0, name);
    }
  });

  test('the Espruino bundle (dist/threadsafe.espruino.min.js, private names mangled) prints the same lines in the flag, event, queue, typed, abort and errors programs', async () => {
    for (const name of MINIFIED) {
      const { code, lines } = await runs[name + '.esp'];
      assert.equal(lines, EXPECTED[name], name);
      assert.is(code, 0, name);
    }
  });

  test('library errors thrown uncaught print as "Uncaught Name: message" (not [object Object])', async () => {
    const { code, lines } = await runs.uncaught;
    assert.equal(lines.filter((l) => /^(Uncaught |throw |reject |DONE)/.test(l)), EXPECTED.uncaught);
    assert.is(code, 1, 'run-espruino reports the uncaught errors');
  });

  test('the recipes of README.md and docs/*.md run as written: ' + RECIPES.map((r) => r.name).join(', '), async () => {
    for (const r of RECIPES) {
      const run = await runs[r.name];
      assert.ok(run !== null, `neither README.md nor docs/*.md has the recipe "${r.name}" in the form this test runs any more`);
      assert.equal(run.lines, r.expected, r.name);
      assert.is(run.code, 0, r.name);
    }
  });

  test('every ES5 ```js block of README.md and docs/*.md is a recipe this tier runs', () => {
    const covered = RECIPES.map((r) => r.find(allDocs()));
    for (const { file, text } of pages()) {
      for (const m of text.matchAll(/```js\n([\s\S]*?)```/g)) {
        let es5 = true;
        try {
          acorn.parse(m[1], { ecmaVersion: 5 });
        } catch {
          es5 = false;
        }
        if (es5) assert.ok(covered.includes(m[1]), `${file}: a block not run on Espruino (add it to RECIPES):\n` + m[1]);
      }
    }
  });

  test('the Espruino echo demo (dist/espruino/echo.js): 2000 items through two queues, in order', async () => {
    const { code, lines } = await runs.echo;
    assert.equal(lines, ['Received 1000 queue items.', 'Received 2000 queue items.']);
    assert.is(code, 0);
  });
}

test.run();
