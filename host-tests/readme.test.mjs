// The README opens with an example that runs: this test runs that very block (with Node's
// self-reference of the package name) and checks what it prints.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const test = suite('README');

test('the opening example prints the five readings, then done with nothing dropped', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README has a ```js block');
  // inside the package (not node_modules) so that require('threadsafe') self-references it
  const dir = mkdtempSync(join(root, '.readme-'));
  const file = join(dir, 'example.cjs');
  writeFileSync(file, block[1]);
  let out;
  try {
    out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8', timeout: 10_000, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(out.trim().split('\n'), [
    'reading 10', 'reading 20', 'reading 30', 'reading 40', 'reading 50', 'done; dropped 0',
  ]);
});

test.run();
