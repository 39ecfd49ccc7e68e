// The types of dist/shared.d.ts: tsc checks types/shared-api.ts (lines under @ts-expect-error
// must fail to compile, the rest must compile) without @types/node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

test('dist/shared.d.ts: the API compiles as documented and misuse fails to compile', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const project = fileURLToPath(new URL('./types', import.meta.url));
  let out = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    out = String(e.stdout) + String(e.stderr);
  }
  assert.is(out, '', 'tsc reported:\n' + out);
});

test.run();
