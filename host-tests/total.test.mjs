// `npm test`'s last line (host-tests/run.mjs) on suites made for it: one that passes, one that
// fails, one that does not run and says why. The total counts each, the suite that did not run
// as skipped with its reason listed, and the run fails.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const test = suite("npm test's total");
const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('passed, failed and a suite that did not run are counted in one last line; the reason is listed; exit 1', async () => {
  // under node_modules/.cache: the suites import uvu as any test of the repository does
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'threadsafe-total-'));
  const uvu = "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\n";
  writeFileSync(join(dir, 'a.test.mjs'), `${uvu}test('one', () => assert.ok(true));\ntest('two', () => assert.ok(true));\ntest.run();\n`);
  writeFileSync(join(dir, 'b.test.mjs'), `${uvu}test('breaks', () => assert.is(1, 2));\ntest.run();\n`);
  writeFileSync(join(dir, 'c.test.mjs'), "console.log('c.test: skipping the board part: no board here');\n");
  try {
    const r = await new Promise((done) => execFile(process.execPath, [join(ROOT, 'host-tests', 'run.mjs'), dir], { cwd: ROOT, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => done({ code: err ? err.code : 0, out: stdout + stderr })));
    const lines = r.out.trim().split('\n');
    assert.is(r.code, 1, r.out);
    // 2 uvu tests + the three other checks pass; 1 fails; 1 suite did not run
    assert.is(lines[lines.length - 1], '5 passed, 1 failed, 1 skipped');
    assert.match(r.out, /did not run \(1\):\n  - c\.test: skipping the board part: no board here/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
