// micropython-async THREADING.md's echo example (scripts/echo-threads.mjs + scripts/echo-worker.mjs) as a program:
// it prints its progress every 1000 items and ends by itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/echo-threads.mjs', import.meta.url));

function echo(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { timeout: 20000, env: { ...process.env, FORCE_COLOR: '0' } },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
  });
}

test('echo-threads 3000 prints "Received N queue items." at 1000, 2000, 3000 and a summary, then exits 0', async () => {
  const r = await echo(['3000']);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.slice(0, 3), ['Received 1000 queue items.', 'Received 2000 queue items.', 'Received 3000 queue items.']);
  assert.match(lines[3], /^Done: 3000 items echoed/);
});

test('echo-threads with a bad count exits non-zero and names the argument', async () => {
  const r = await echo(['many']);
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /item count must be a number/);
});

test.run();
