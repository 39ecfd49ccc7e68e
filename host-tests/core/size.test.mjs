// Prints the library bundle's bytes three ways (raw, minified with terser, gzip -9 of the
// minified text) in every `npm test`; the budget itself is size-limit's, run right after the
// tests (package.json "size-limit": raw bytes and gzip of dist/threadsafe.js).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { sizeOf } from '../../scripts/size.mjs';

const root = new URL('../../', import.meta.url);
const test = suite('size of dist/threadsafe.js');

test('raw > minified > gzip, printed; size-limit budgets dist/threadsafe.js raw and gzip', async () => {
  const file = new URL('dist/threadsafe.js', root).pathname;
  const s = await sizeOf(file);
  console.log(`    dist/threadsafe.js: raw ${s.raw} B, minified ${s.min} B, minified + gzip ${s.gzip} B`);
  assert.is(s.raw, statSync(file).size);
  assert.ok(s.min < s.raw && s.gzip < s.min);
  const checks = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))['size-limit'];
  const mine = checks.filter((c) => c.path === 'dist/threadsafe.js');
  assert.ok(mine.some((c) => c.brotli === false), 'a raw-bytes budget');
  assert.ok(mine.some((c) => c.gzip === true), 'a gzip budget');
});

test.run();
