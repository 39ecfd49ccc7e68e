// The "Threads on Node" example (docs/threads.md) runs as written: its two code blocks become
// main.mjs and square.mjs beside a copy of the package (dist/ and the "exports" map that
// package.json ships).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOC = fileURLToPath(new URL('../../docs/threads.md', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist', import.meta.url));

test('the docs/threads.md example prints 1 4 9 16 25 and ends', async () => {
  const blocks = [...readFileSync(DOC, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  const main = blocks.find((b) => b.startsWith('// main.mjs'));
  const square = blocks.find((b) => b.startsWith('// square.mjs'));
  assert.ok(main && square, 'docs/threads.md has the main.mjs and square.mjs blocks');
  const dir = mkdtempSync(join(tmpdir(), 'threadsafe-readme-'));
  try {
    const pkg = join(dir, 'node_modules', 'threadsafe');
    mkdirSync(pkg, { recursive: true });
    cpSync(DIST, join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({
      name: 'threadsafe',
      exports: JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).exports,
    }));
    writeFileSync(join(dir, 'main.mjs'), main);
    writeFileSync(join(dir, 'square.mjs'), square);
    const out = await new Promise((resolve, reject) => {
      execFile(process.execPath, ['main.mjs'], { cwd: dir, timeout: 10000, env: { ...process.env, FORCE_COLOR: '0' } },
        (err, stdout, stderr) => (err ? reject(new Error(err.message + '\n' + stderr)) : resolve(stdout)));
    });
    assert.equal(out.trim().split('\n'), ['1', '4', '9', '16', '25']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
