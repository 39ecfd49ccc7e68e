// The simulated Pico has what Kaluma's typings declare and behaves as the firmware does where a
// program can tell: print() adds no newline, analogRead/tone/pulse I/O, seed, base64, text
// codecs, storage, the pwm/adc/events/button modules; and it counts a program's uncaught
// errors as the firmware does: a throw at the top level or in a callback, a rejection still
// unhandled at the end of the run; a rejection the program handles counts nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';
import { ROOT, run } from './bridge.mjs';

const test = suite('simulated Kaluma globals and errors');

async function simOf(code, ms = 500, setup) {
  const sim = new KalumaSim();
  if (setup) setup(sim);
  sim.load(code);
  sim.run(ms);
  await sim.finish();
  return sim;
}

test('print() adds no newline: a newline in its text completes the line, console.log clears an open line first as the terminal does', async () => {
  const sim = await simOf("print('a'); print('b', 1); print('\\n'); print('half'); console.log('c'); print('end');");
  assert.equal(sim.lines(), ['ab 1', 'c', 'end']);
});

test('analogRead reads the level set on an ADC pin (0 by default) and refuses a pin without ADC with a RangeError', async () => {
  const sim = await simOf("console.log(analogRead(26), analogRead(27)); try { analogRead(5); } catch (e) { console.log(e.name); }", 10, (s) => s.setAnalog(26, 0.25));
  assert.equal(sim.lines(), ['0.25 0', 'RangeError']);
});

test('tone() drives a square wave on the pin for its duration; noTone() stops it', async () => {
  const sim = await simOf('tone(16, 1000, { duration: 50 }); tone(17, 500); setTimeout(function () { noTone(17); }, 100);', 300);
  assert.ok(Math.abs(sim.edgesOn(16) - 100) <= 2, `GP16: ${sim.edgesOn(16)} edges in 50 ms at 1 kHz`);
  assert.ok(Math.abs(sim.edgesOn(17) - 100) <= 3, `GP17: ${sim.edgesOn(17)} edges in 100 ms at 500 Hz`);
});

test('pulseWrite() on a wired pin is what pulseRead() measures on the other end', async () => {
  const sim = await simOf('pinMode(3, OUTPUT); var n = pulseWrite(3, 1, [100, 200, 300]); console.log(n);', 10, (s) => s.wire(3, 4));
  assert.equal(sim.lines(), ['3']);
  const edges = [{ t: 5000, level: 1 }, { t: 5150, level: 0 }, { t: 5500, level: 1 }];
  const reader = await simOf('console.log(JSON.stringify(pulseRead(4, 3, { timeout: 10000 })));', 10, (s) => s.drive(4, { initial: 0, next: (() => { let i = 0; return () => edges[i++] || null; })() }));
  const got = JSON.parse(reader.lines()[0]);
  assert.is(got.length, 3, reader.lines()[0]);
  assert.ok(got[0] > 0 && got[0] <= 5000, `to the first edge: ${got[0]} µs`);
  assert.equal(got.slice(1), [150, 350]);
});

test('seed() makes Math.random() repeat; btoa/atob, TextEncoder/TextDecoder and storage behave as on the firmware', async () => {
  const sim = await simOf(`seed(7); var a = Math.random(); seed(7); console.log(a === Math.random());
    console.log(btoa('hi'), atob('aGk=') instanceof Uint8Array, atob('aGk=').length);
    console.log(new TextDecoder().decode(new TextEncoder().encode('h\u00e9')), new TextEncoder().encode('h\u00e9').length);
    storage.setItem('k', 5); console.log(storage.getItem('k'), storage.length, storage.key(0), storage.getItem('x'));`);
  assert.equal(sim.errors, []);
  assert.equal(sim.lines(), ['true', 'aGk= true 2', 'h\u00e9 3', '5 1 k null']);
});

test('the pwm, adc, events and button modules work on the simulated pins', async () => {
  const sim = await simOf(`var PWM = require('pwm').PWM, ADC = require('adc').ADC, EventEmitter = require('events').EventEmitter, Button = require('button').Button;
    var p = new PWM(16, 1000, 0.5); p.start();
    var e = new EventEmitter(); e.once('x', function (v) { console.log('x ' + v); }); e.emit('x', 1); console.log(e.emit('x', 2));
    console.log(new ADC(26).read());
    var b = new Button(17, { debounce: 10 }); var clicks = 0; b.on('click', function () { clicks++; });
    setTimeout(function () { p.stop(); console.log('clicks ' + clicks); }, 300);`, 400, (s) => {
    s.setAnalog(26, 0.5);
    s.drive(17, { initial: 1, next: (() => { const e = [{ t: 50000, level: 0 }, { t: 100000, level: 1 }, { t: 150000, level: 0 }, { t: 200000, level: 1 }]; let i = 0; return () => e[i++] || null; })() });
  });
  assert.equal(sim.errors, []);
  assert.equal(sim.lines(), ['x 1', 'false', '0.5', 'clicks 2']);
  assert.ok(sim.edgesOn(16) > 500, `PWM edges ${sim.edgesOn(16)}`);
});

test('uncaught errors: a top-level throw, a throw in a timer and a rejection unhandled at the end count; caught ones (try/await/catch, .catch later in the run) do not', async () => {
  const sim = await simOf(`setTimeout(function () { throw new RangeError('in timer'); }, 10);
    async function caught() { try { await Promise.reject(new Error('caught')); } catch (e) { console.log('caught ' + e.message); } }
    caught();
    var later = Promise.reject(new Error('handled later'));
    setTimeout(function () { later.catch(function () { console.log('handled'); }); }, 50);
    async function lost() { throw new TypeError('lost'); }
    setTimeout(lost, 20);
    throw new Error('top');`, 200);
  assert.equal(sim.errors, ['Error: top', 'RangeError: in timer', 'Uncaught (in promise) TypeError: lost']);
  assert.ok(sim.lines().includes('caught caught') && sim.lines().includes('handled'), sim.lines().join('\n'));
});

const dir = mkdtempSync(join(tmpdir(), 'threadsafe-sim-'));
const CLI = join(ROOT, 'scripts', 'cli.mjs');

test('threadsafe sim fails (exit 1) on a program that throws at the top level, with the error shown and counted', async () => {
  writeFileSync(join(dir, 'throws.ts'), "console.log('before');\nthrow new Error('top-level failure');\n");
  const r = await run(CLI, ['sim', join(dir, 'throws.ts'), '--seconds', '0.5'], { cwd: dir });
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /Error: top-level failure/);
  assert.match(r.out, /1 uncaught error,/);
});

test('threadsafe sim refuses a program requiring a module it does not model, naming the module, before running it', async () => {
  writeFileSync(join(dir, 'i2c.ts'), "const { I2C } = require('i2c');\nconsole.log(typeof I2C);\n");
  const r = await run(CLI, ['sim', join(dir, 'i2c.ts')], { cwd: dir });
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /requires Kaluma's 'i2c' module, which the simulation does not model .*threadsafe emulate/);
  assert.not.match(r.out, /=== i2c/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
