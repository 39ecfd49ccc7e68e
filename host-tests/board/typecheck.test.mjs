// The board demos type-check against the Kaluma declarations (src/kaluma/kaluma.d.ts), and the
// Kaluma entry's public types accept what they should and reject what they should
// (host-tests/board/types, `@ts-expect-error` lines).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const root = fileURLToPath(new URL('../../', import.meta.url));

function typecheck(project) {
  const res = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: root, encoding: 'utf8' });
  return res.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
}

const test = suite('Kaluma typings');

test('board/*.ts and src/kaluma type-check with the Kaluma globals declared', () => {
  // Only errors in the board layer's own files count here; the core's are checked elsewhere.
  const errors = typecheck('board/tsconfig.json').filter((l) => l.startsWith('board/') || l.startsWith('src/kaluma/'));
  assert.equal(errors, []);
});

test('the public types of dist/threadsafe-kaluma.d.ts: every @ts-expect-error line fails, the rest compiles', () => {
  assert.equal(typecheck('host-tests/board/types/tsconfig.json'), []);
});

test('the Kaluma globals and built-in modules (gpio, pwm, adc, led, button): every @ts-expect-error line fails, the rest compiles', () => {
  assert.equal(typecheck('host-tests/board/types-modules/tsconfig.json'), []);
});

test.run();
