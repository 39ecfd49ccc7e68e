// `threadsafe build <program>` (scripts/commands/build.mjs, scripts/lib/program.mjs,
// scripts/lib/rollup-board.mjs): a program of one's own, anywhere, importing the library by its
// package name, builds to one self-contained script and gets the demos' checks, reported in the
// program's own words (file:line:col, its identifiers).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as acorn from 'acorn';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildProgram, checkProgram, KALUMA_ONLY, resolveProgram } from '../../scripts/lib/program.mjs';
import { ROOT, run } from './bridge.mjs';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';
import { runDemo } from '../../scripts/kaluma-sim/demos.mjs';

const dir = mkdtempSync(join(tmpdir(), 'threadsafe-build-'));
let n = 0;
/** Writes a program into the temp dir and builds it there (not into dist/). */
async function build(source, options = {}) {
  const file = join(dir, `app${++n}.ts`);
  writeFileSync(file, source);
  return buildProgram(resolveProgram(file), { out: join(dir, `app${n}.js`), ...options });
}
const rejects = async (p) => {
  try {
    await p;
  } catch (e) {
    return e.message;
  }
  throw new Error('expected the build to fail');
};

const FLAG = "import { ThreadSafeFlag } from 'threadsafe';\nimport { TimerSource } from 'threadsafe/kaluma';\nconst flag = new ThreadSafeFlag();\nconst t = new TimerSource(flag, 100);\n";

const test = suite('threadsafe build');
const CLI = join(ROOT, 'scripts', 'cli.mjs');

test('a .then program importing threadsafe and threadsafe/kaluma builds to one ES5 script with the library in it and nothing imported or exported', async () => {
  const b = await build(FLAG + "flag.wait().then(function () { console.log('set'); t.stop(); });\n");
  const code = readFileSync(b.file, 'utf8');
  assert.is(b.asyncAt, null);
  assert.ok(!code.startsWith(KALUMA_ONLY));
  acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' }); // throws unless ES5
  // minified (names mangled): the library is there by its messages
  assert.match(code, /ThreadSafeFlag\.wait/);
  assert.match(code, /["']TimerSource["']/);
  assert.not.match(code, /require\(|exports|import /);
  assert.equal(checkProgram(b.file), []);
  assert.ok(b.sizes.min > 1000 && b.sizes.lib > 0.5 * b.sizes.total, JSON.stringify(b.sizes));
});

test('an async program is compiled to ES2018 for Kaluma only: native async and for await, no TypeScript helpers, the library still ES5', async () => {
  const b = await build("import { ThreadSafeQueue } from 'threadsafe';\nconst q = new ThreadSafeQueue<number>(new Int32Array(4));\n" +
    'async function main(): Promise<void> {\n  for await (const x of q) console.log(x);\n}\nmain();\nq.putSync(1);\n');
  const code = readFileSync(b.file, 'utf8');
  assert.match(b.asyncAt, /app\d+\.ts:3$/);
  assert.ok(code.startsWith(KALUMA_ONLY));
  assert.match(code, /async function\b[^{]*\{for await\(const \w+ of \w+\)/, 'native async and for await');
  assert.not.match(code, /__awaiter|__generator|__asyncValues/);
  assert.not.match(code, /\bclass\b|=>/, 'the library is ES5: no classes, no arrows');
  assert.equal(checkProgram(b.file), []);
  assert.equal(checkProgram(b.file, { target: 'espruino', simulate: false }), ['built for Kaluma only (async functions): Espruino cannot run it']);
});

test('an async program built for Espruino is refused, naming where it uses async and what to do', async () => {
  const msg = await rejects(build(FLAG + 'async function f(): Promise<void> { await flag.wait(); t.stop(); }\nf();\n', { target: 'espruino' }));
  assert.match(msg, /app\d+\.ts:5: uses async functions, generators or for await, which Espruino cannot run .*write it with \.then\(\), or build it for Kaluma/);
});

test('an import a board cannot load is refused, naming what a board program may import (for Kaluma, and for Espruino)', async () => {
  const msg = await rejects(build("import { x } from 'lodash';\nconsole.log(x);\n"));
  assert.match(msg, /app\d+\.ts:1 imports "lodash": a board program can import only 'threadsafe', 'threadsafe\/kaluma', its own files \(\.\/\.\.\.\) and Kaluma's built-in modules \(gpio, [^)]*\); 'threadsafe\/espruino' with --target espruino/);
  const esp = await rejects(build("import { x } from 'threadsafe/foo';\nconsole.log(x);\n", { target: 'espruino' }));
  assert.match(esp, /app\d+\.ts:1 imports "threadsafe\/foo": a program for Espruino can import only 'threadsafe', 'threadsafe\/espruino' \(and 'threadsafe\/kaluma', whose TimerSource is the same\) and its own files/);
});

test('a type error against the Kaluma declarations fails the build with the diagnostic', async () => {
  const msg = await rejects(build("const { GPIO } = require('gpio');\nnew GPIO(16, OUTPUT).write(true);\n"));
  assert.match(msg, /^type error:\n  .*app\d+\.ts:2:\d+: Argument of type 'boolean' is not assignable to parameter of type 'number'\. \(TS2345\)$/);
});

test('a program whose attachInterrupt handler calls a function fails the interrupt rule check', async () => {
  const b = await build('let last = 0;\nattachInterrupt(5, function (_pin: number, _events: number) {\n  last = micros();\n}, FALLING);\n');
  const problems = checkProgram(b.file);
  assert.equal(problems.filter((p) => /calls a function/.test(p)).length, 1, problems.join('\n'));
  assert.match(problems[0], /app\d+\.ts:3:10: `micros\(\)`: calls a function$/);
});

test('the command builds a correct attachInterrupt program of one\'s own and every demo, as a user runs it (exit 0, checks ok)', async () => {
  const file = join(dir, 'isr.ts');
  writeFileSync(file, "let count = 0;\nlet last = 0;\nattachInterrupt(5, function (_pin: number, _events: number) {\n  count = count + 1;\n}, FALLING);\n" +
    "setInterval(function () {\n  if (count !== last) { last = count; console.log('edges ' + count); }\n}, 100);\n");
  const own = await run(CLI, ['build', file, '--out', join(dir, 'isr.js'), '--no-heap']);
  assert.is(own.code, 0, own.out);
  assert.match(own.out, /checks: ok \(.*interrupt rule/);
  for (const demo of ['button', 'echo', 'event', 'event-async']) {
    const r = await run(CLI, ['build', demo, '--out', join(dir, demo + '.js'), '--no-heap']);
    assert.is(r.code, 0, `${demo}: ${r.out}`);
  }
});

test('the command refuses an attachInterrupt handler that touches an object, exit 1', async () => {
  const file = join(dir, 'bad-isr.ts');
  writeFileSync(file, "const stats = { edges: 0 };\nattachInterrupt(5, function () {\n  stats.edges++;\n}, FALLING);\nsetInterval(function () { console.log('edges ' + stats.edges); }, 1000);\n");
  const r = await run(CLI, ['build', file, '--out', join(dir, 'bad-isr.js'), '--no-heap']);
  assert.is(r.code, 1, r.out);
  const lines = r.out.split('\n').filter((l) => /bad-isr\.ts:\d+:\d+/.test(l));
  assert.equal(lines.map((l) => l.trim().replace(dir + '/', '')), ['bad-isr.ts:3:3: `stats.edges`: touches an object (member access)'], r.out);
  assert.not.match(r.out, /__kc|P\.edges|numeric initializer/);
});

test('a program that imports a file of its own bundles it', async () => {
  writeFileSync(join(dir, 'helper.ts'), "export function hello(): string {\n  return 'hello from helper';\n}\n");
  const b = await build("import { hello } from './helper';\nconsole.log(hello());\n");
  assert.match(readFileSync(b.file, 'utf8'), /hello from helper/);
});

test('a name that is neither a demo nor a file is refused, listing the demos', () => {
  assert.throws(() => resolveProgram('nope'), /no demo or file named "nope": give a demo name \(button, echo, encoder, event, event-async\) or the path of a \.ts program/);
});

test('a syntax error is reported as one, with its place, for a .ts and for a .js program', async () => {
  writeFileSync(join(dir, 'syn.ts'), 'const a = 1;\nlet x = ;\n');
  const ts = await run(CLI, ['build', join(dir, 'syn.ts'), '--no-heap'], { cwd: dir });
  assert.is(ts.code, 1, ts.out);
  assert.match(ts.out, /syntax error:\n\s+syn\.ts:2:9: Expression expected\. \(TS1109\)/);
  assert.not.match(ts.out, /type error/);
  writeFileSync(join(dir, 'syn.js'), 'var a = 1;\nvar x = ;\n');
  const js = await run(CLI, ['build', join(dir, 'syn.js'), '--no-heap'], { cwd: dir });
  assert.is(js.code, 1, js.out);
  assert.match(js.out, /syntax error: syn\.js:2:9: Unexpected token/);
});

test('an unused local is a warning with its place: the program still builds', async () => {
  writeFileSync(join(dir, 'unused.ts'), 'function f(a: number): number {\n  const unused = 3;\n  return a;\n}\nconsole.log(f(1));\n');
  const r = await run(CLI, ['build', join(dir, 'unused.ts'), '--out', join(dir, 'unused.js'), '--no-heap'], { cwd: dir });
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /build: warning: unused\.ts:2:9: 'unused' is declared but its value is never read\. \(TS6133\)/);
});

test('the command prints size and heap after parse, estimated and saying why when the firmware is absent', async () => {
  const file = join(dir, 'cli.ts');
  writeFileSync(file, FLAG + "flag.wait().then(function () { console.log('set'); t.stop(); });\n");
  const r = await run(CLI, ['build', file, '--out', join(dir, 'cli.js')], { env: { KALUMA_FIRMWARE: join(dir, 'none.uf2'), RP2040_BOOTROM: join(dir, 'none.bin') } });
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /cli\.js: one script for Kaluma \(ES5; also Espruino-safe\)/);
  assert.match(r.out, /size: raw \d+ B, minified \d+ B, gzip \d+ B; library code \d+% of the module code/);
  assert.match(r.out, /heap after parse: ≈ \d+ B of Kaluma's 184,312 B \(estimated as 1\.31 × the minified size: the Kaluma 1\.2\.1 firmware \(looked for .*none\.uf2\) and the RP2040 bootrom \(looked for .*none\.bin\) are absent\)/);
});

test('npm run sim: a program using the gpio and led modules runs in the simulation, the pins follow', async () => {
  const b = await build("const { LED } = require('led');\nconst { GPIO } = require('gpio');\nconst led = new LED(board.LED);\nconst out = new GPIO(16, OUTPUT);\n" +
    "setInterval(function () { led.toggle(); out.high(); console.log('led ' + led.read() + ' gp16 ' + out.read()); }, 100);\n");
  const sim = new KalumaSim();
  sim.load(readFileSync(b.file, 'utf8')).run(350);
  assert.equal(sim.lines(), ['led 1 gp16 1', 'led 0 gp16 1', 'led 1 gp16 1']);
  assert.equal(sim.errors, []);
});

test('the same program with `import ... from` the built-in modules: they are require()s of the board (the IIFE\'s arguments), not globals of their names, and it prints the same', async () => {
  const b = await build("import { LED } from 'led';\nimport { GPIO } from 'gpio';\nconst led = new LED(board.LED);\nconst out = new GPIO(16, OUTPUT);\n" +
    "setInterval(function () { led.toggle(); out.high(); console.log('led ' + led.read() + ' gp16 ' + out.read()); }, 100);\n");
  const code = readFileSync(b.file, 'utf8');
  assert.match(code, /\(require\("led"\),\s*require\("gpio"\)\);?\s*$/);
  const sim = new KalumaSim();
  sim.load(code).run(350);
  assert.equal(sim.lines(), ['led 1 gp16 1', 'led 0 gp16 1', 'led 1 gp16 1']);
  assert.equal(sim.errors, []);
});

test('event-async (async functions) prints in the simulation exactly what event (.then) prints', () => {
  const lines = (name) => runDemo(name, { seconds: 4.5 }).sim.lines();
  const expected = lines('event');
  assert.ok(expected.length >= 20, expected.join('\n'));
  assert.equal(lines('event-async'), expected);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
