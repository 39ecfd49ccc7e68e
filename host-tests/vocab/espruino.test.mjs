// The Espruino tier for the vocabulary (ThreadSafeMessage, select(), the overflow policies): each
// program of host-tests/vocab/espruino/ runs on the real Espruino 2v29 interpreter (its Linux
// build beside the clone, as in CI) after dist/threadsafe.js (and its minified copy) and the
// tier's prelude, and prints one line per check, compared in order with the expected lines.
// Where the interpreter is absent (a user's clone) the tier prints why and registers nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const RUNNER = join(root, '..', 'shared', 'espruino', 'run-espruino.mjs');
const read = (file) => readFileSync(join(root, file), 'utf8');

/** Runs `source` on Espruino until DONE (or `ms` pass): { code, lines }. */
function espruino(source, ms = 8000) {
  return new Promise((resolve) => {
    const dir = mkdtempSync(join(tmpdir(), 'threadsafe-vocab-espruino-'));
    const file = join(dir, 'program.js');
    writeFileSync(file, source);
    execFile(process.execPath, [RUNNER, file, '--ms', String(ms), '--until', 'DONE', '--quiet'], { encoding: 'utf8', timeout: ms + 5000 }, (err, stdout) => {
      rmSync(dir, { recursive: true, force: true });
      const lines = stdout.split('\n').filter((l) => l !== '' && l !== 'New interpreter error: FIFO_FULL');
      resolve({ code: err ? err.code : 0, lines });
    });
  });
}

const PROGRAMS = {
  message: [
    'new: isSet false hasWaiters false value undefined onwait null',
    'three waiting: hasWaiters true onwait calls 3',
    'set(42) from a timer woke a=42,b=42,c=42; isSet true value 43',
    'wait on a set message: resolved 43',
    'clear: isSet false value 43',
    'abort: rejected AbortError; timeout: rejected TimeoutError; hasWaiters true',
    'the plain waiter: resolved x',
    'TypeError true: ThreadSafeMessage.wait: unknown option "timeot" (the options are signal, timeout)',
    'DONE',
  ],
  overflow: [
    'drop-newest 0,1,2 dropped 3; drop-oldest 3,4,5 dropped 3',
    'putManySync 5 -> 12,13,14 dropped 5 policy drop-oldest',
    'put on a drop-oldest queue resolved; qsize 1',
    'DONE',
  ],
  select: [
    'ready at the call: index 0 value undefined; flag isSet false qsize 1',
    'waiting: true true true true',
    'woken: index 3 value 42; waiters left false',
    'two at once: one taken; flag isSet true qsize 0 index 1',
    'timeout: rejected TimeoutError; waiters left false',
    'abort: rejected AbortError; waiters left false',
    'bad source: rejected undefined',
    'DONE',
  ],
};

if (!existsSync(RUNNER)) {
  console.log(`vocab Espruino tier skipped: the Espruino 2v29 Linux build (run-espruino.mjs) is not beside this clone at ${RUNNER}`);
} else {
  const test = suite('vocabulary on Espruino 2v29');
  const prelude = read('host-tests/espruino/prelude.js');
  for (const bundle of ['dist/threadsafe.js', 'dist/threadsafe.min.js']) {
    for (const [name, expected] of Object.entries(PROGRAMS)) {
      test(`${name}.js on ${bundle}: every line as expected and the run exits 0`, async () => {
        const r = await espruino(read(bundle) + '\n' + prelude + '\n' + read(`host-tests/vocab/espruino/${name}.js`));
        assert.equal(r.lines, expected);
        assert.is(r.code, 0);
      });
    }
  }
  test.run();
}
