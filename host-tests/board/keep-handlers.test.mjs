// A Kaluma program that calls attachInterrupt itself is built with KEEP_HANDLERS first
// (scripts/lib/rollup-board.mjs): each handler is also kept in an array nothing reads, because
// Kaluma 1.2.1 releases a handler once per interrupt and a handler only attachInterrupt refers
// to is collected and then called freed (host-tests/user runs such a program on the firmware).
// Built as a user builds, then run here with a stand-in attachInterrupt that keeps nothing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildProgram, resolveProgram } from '../../scripts/lib/program.mjs';
import { KEEP_HANDLERS } from '../../scripts/lib/rollup-board.mjs';

const dir = mkdtempSync(join(tmpdir(), 'threadsafe-keep-handlers-'));
let n = 0;

async function build(source, target = 'kaluma') {
  const file = join(dir, `app${++n}.ts`);
  writeFileSync(file, source);
  const b = await buildProgram(resolveProgram(file, { target }), { out: join(dir, `app${n}.js`), target });
  return readFileSync(b.file, 'utf8');
}

const test = suite('attachInterrupt handlers kept referenced by the build');

const INLINE = 'let edges = 0;\npinMode(17, INPUT);\nattachInterrupt(17, function () {\n  edges = (edges + 1) & 0x7ffffff;\n}, RISING);\nsetTimeout(function () { console.log("edges " + edges); }, 10);\n';

test('an inline handler handed to attachInterrupt: the bundle keeps it (the keeper runs before the program) and the program still attaches it', async () => {
  const code = await build(INLINE);
  assert.ok(code.includes('attachInterrupt=function('), 'the keeper wraps attachInterrupt');
  assert.ok(code.indexOf('attachInterrupt=function(') < code.indexOf('attachInterrupt(17'), 'before the program\'s own call');
  const attached = [];
  const timers = [];
  const lines = [];
  const firmware = (pin, fn, events) => attached.push({ pin, fn, events });
  const context = vm.createContext({
    attachInterrupt: firmware,
    pinMode() {},
    INPUT: 0,
    RISING: 8,
    setTimeout: (fn) => timers.push(fn),
    console: { log: (s) => lines.push(String(s)) },
  });
  vm.runInContext(code, context);
  assert.is(attached.length, 1);
  assert.is(attached[0].pin, 17);
  assert.is(attached[0].events, 8);
  assert.is.not(context.attachInterrupt, firmware, 'the global is the keeper\'s wrapper');
  attached[0].fn(17, 8); // two interrupts: the program's own handler counts
  attached[0].fn(17, 8);
  assert.is(typeof attached[0].fn, 'function');
  timers.forEach((fn) => fn());
  assert.equal(lines, ['edges 2']);
});

test('a handler given to GPIO#irq (the gpio module calls the global attachInterrupt): the keeper is there too', async () => {
  const code = await build("import { GPIO } from 'gpio';\nlet n = 0;\nconst g = new GPIO(17, INPUT);\ng.irq(function () {\n  n = (n + 1) & 0x7ffffff;\n}, RISING);\n");
  assert.ok(code.includes('attachInterrupt=function('), 'the keeper wraps attachInterrupt');
});

test('a program that does not call attachInterrupt itself (the library\'s InterruptSource keeps its own) gets no keeper', async () => {
  const code = await build("import { ThreadSafeFlag } from 'threadsafe';\nimport { InterruptSource } from 'threadsafe/kaluma';\nconst f = new ThreadSafeFlag();\nnew InterruptSource(17, f);\n");
  assert.not.ok(code.includes(KEEP_HANDLERS.slice(0, 20)) || code.includes('attachInterrupt=function('));
});

test('an Espruino program gets no keeper (it has setWatch, not attachInterrupt)', async () => {
  const code = await build('let n = 0;\nsetWatch(function () { n++; }, D17, { repeat: true, edge: "rising" });\n', 'espruino');
  assert.not.ok(code.includes('attachInterrupt'));
});

test.run();
