// The library on the real Kaluma 1.2.1 firmware (JerryScript, in the rp2040js emulator:
// ../shared/kaluma-emu), each figure beside what a user would write by hand, measured in the
// same program and run with micros() (emulated 125 MHz RP2040; compare ratios, not absolutes):
//   - putSync+getSync with nobody waiting vs Array push+shift;
//   - set() (and set()+clear()) on an event vs a call of an empty function;
//   - getManySync vs getSync in a loop, per item;
//   - hand-over: a setInterval(0) producer putSync()s one item per tick to a consumer waiting in
//     get() / next(), vs a hand-written array + resolver queue; per item;
//   - batching: the producer puts 16 items per setInterval(0) tick; a ready()+getManySync consumer
//     vs a per-item next() consumer, items/s;
//   - heap after parse and load time of dist/threadsafe.js, dist/threadsafe-kaluma.js and each
//     dist/board/*.js, over an empty program (scripts/firmware-heap.mjs says how).
// Every loop runs inside a function: top-level code uses global-object variables on Kaluma and
// would cost ~3× more per iteration. Loop figures include the loop itself (an empty iteration is
// printed for reference). Each pair runs 3 times, interleaved; the median is reported.
//
//   node bench/run.mjs kaluma-fw      (after npm run build; about 30 s of wall time)
//   KALUMA_FW_BEFORE=/path/to/other/dist node bench/run.mjs kaluma-fw
//                                     also measures another build (say, of an older commit) and
//                                     prints it as a peer "before" of every row
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFirmware, runOnFirmware, whyMissing } from '../scripts/firmware.mjs';
import { emptyProgram, loadCost } from '../scripts/firmware-heap.mjs';

export const title = 'Kaluma 1.2.1 firmware (emulated RP2040): per-operation cost and heap';

const dist = (f) => new URL('../dist/' + f, import.meta.url);
const CORE = readFileSync(dist('threadsafe.js'), 'utf8');

// The measuring program, run after the core bundle. Prints "R <name> <value>" lines, then END.
const N = 150; // iterations per timed loop (a literal in the program: a global N would cost a lookup per iteration)
const PROGRAM = String.raw`
var TS = threadsafe;
function median3(f) { var a = [f(), f(), f()]; a.sort(function (x, y) { return x - y; }); return a[1]; }
function report(name, v) { console.log('R ' + name + ' ' + v); }
function emptyLoop() { var t = micros(); for (var i = 0; i < ${N}; i++) {} return (micros() - t) / ${N}; }
function pushShift() { var a = []; var t = micros(); for (var i = 0; i < ${N}; i++) { a.push(i); a.shift(); } return (micros() - t) / ${N}; }
var q1 = new TS.ThreadSafeQueue(new Array(64));
function putGet() { var q = q1; var t = micros(); for (var i = 0; i < ${N}; i++) { q.putSync(i); q.getSync(); } return (micros() - t) / ${N}; }
function empty() {}
function callEmpty() { var f = empty; var t = micros(); for (var i = 0; i < ${N}; i++) { f(); } return (micros() - t) / ${N}; }
function callEmpty2() { var f = empty; var t = micros(); for (var i = 0; i < ${N}; i++) { f(); f(); } return (micros() - t) / ${N}; }
var e1 = new TS.ThreadSafeEvent();
function eventSet() { var e = e1; e.clear(); var t = micros(); for (var i = 0; i < ${N}; i++) { e.set(); } return (micros() - t) / ${N}; }
function eventSetClear() { var e = e1; var t = micros(); for (var i = 0; i < ${N}; i++) { e.set(); e.clear(); } return (micros() - t) / ${N}; }
var f1 = new TS.ThreadSafeFlag();
function flagSet() { var f = f1; var t = micros(); for (var i = 0; i < ${N}; i++) { f.set(); f.clear(); } return (micros() - t) / ${N}; }
var q2 = new TS.ThreadSafeQueue(new Array(17));
var batch = new Array(16);
function fill(q) { for (var k = 0; k < 16; k++) q.putSync(k); }
function manyLoop() { var q = q2, b = batch, us = 0; for (var r = 0; r < 10; r++) { fill(q); var t = micros(); q.getManySync(b); us += micros() - t; } return us / 160; }
function singleLoop() { var q = q2, us = 0; for (var r = 0; r < 10; r++) { fill(q); var t = micros(); for (var k = 0; k < 16; k++) q.getSync(); us += micros() - t; } return us / 160; }
function check(ok, what) { if (!ok) { console.log('BAD ' + what); throw new Error(what); } }

// correctness first
(function () {
  var q = new TS.ThreadSafeQueue(new Array(4)); q.putSync(1); q.putSync(2); check(q.getSync() === 1 && q.getSync() === 2 && q.empty(), 'putSync/getSync FIFO');
  e1.set(); check(e1.isSet(), 'set'); e1.clear(); check(!e1.isSet(), 'clear');
  if (typeof q2.getManySync === 'function') { fill(q2); check(q2.getManySync(batch) === 16 && batch[15] === 15 && q2.empty(), 'getManySync'); }
})();

report('empty-loop', median3(emptyLoop));
report('put-get', median3(putGet));
report('push-shift', median3(pushShift));
report('event-set', median3(eventSet));
report('call-empty', median3(callEmpty));
report('event-set-clear', median3(eventSetClear));
report('flag-set-clear', median3(flagSet));
report('call-empty-2', median3(callEmpty2));
report('get-single', median3(singleLoop));
if (typeof q2.getManySync === 'function') report('get-many', median3(manyLoop));

// hand-over: one item per setInterval(0) tick to a waiting consumer; µs per item from the first
// to the last item received (the first tick's start-up excluded).
var H = 60;
function handRun(kind, done) {
  var items = [], resolvers = [];
  function hput(v) { if (resolvers.length) resolvers.shift()(v); else items.push(v); }
  function hget() { if (items.length) return Promise.resolve(items.shift()); return new Promise(function (r) { resolvers.push(r); }); }
  var q = new TS.ThreadSafeQueue(new Array(64));
  var sent = 0, got = 0, t0 = 0;
  var put = kind === 'hand' ? hput : function (v) { q.putSync(v); };
  function received(v) {
    check(v === got, kind + ' order');
    if (got === 0) t0 = micros();
    got++;
    if (got === H) { clearInterval(timer); done((micros() - t0) / (H - 1)); return; }
    consume();
  }
  function receivedResult(r) { received(r.value); }
  function consume() {
    if (kind === 'hand') hget().then(received);
    else if (kind === 'get') q.get().then(received);
    else q.next().then(receivedResult);
  }
  consume();
  var timer = setInterval(function () { if (sent < H) put(sent++); }, 0);
}

// batching: 16 items per setInterval(0) tick for W ms; items received per second.
var W = 300;
function batchRun(kind, done) {
  var q = new TS.ThreadSafeQueue(new Array(65));
  var b = new Array(16);
  var sent = 0, got = 0, lost = 0, stop = false;
  var timer = setInterval(function () {
    for (var k = 0; k < 16; k++) { try { q.putSync(sent); sent++; } catch (e) { lost++; } }
  }, 0);
  function onReady() {
    var n = q.getManySync(b);
    for (var i = 0; i < n; i++) got++;
    if (!stop) consumeMany();
  }
  function consumeMany() { q.ready().then(onReady); }
  function onNext(r) { got++; if (!stop) consumeNext(); }
  function consumeNext() { q.next().then(onNext); }
  var t0 = micros();
  if (kind === 'many') consumeMany(); else consumeNext();
  setTimeout(function () {
    stop = true;
    clearInterval(timer);
    var us = micros() - t0;
    report('batch-' + kind + '-lost', lost);
    done(got * 1e6 / us);
  }, W);
}

var steps = [
  function (next) { handRun('get', function (v) { report('handover-get', v); next(); }); },
  function (next) { handRun('hand', function (v) { report('handover-hand', v); next(); }); },
  function (next) { handRun('next', function (v) { report('handover-next', v); next(); }); },
  function (next) { handRun('hand', function (v) { report('handover-hand2', v); next(); }); },
  function (next) { batchRun('next', function (v) { report('batch-next', v); next(); }); },
  function (next) { if (typeof q2.getManySync !== 'function') return next(); batchRun('many', function (v) { report('batch-many', v); next(); }); },
];
var stepIndex = 0;
function nextStep() { if (stepIndex < steps.length) setTimeout(function () { steps[stepIndex++](nextStep); }, 5); else console.log('END'); }
nextStep();
`;

/** Runs the measuring program; resolves { name: value }. */
export async function measureOps(core = CORE) {
  const r = await runOnFirmware({ code: core + '\n' + PROGRAM }, { ms: 12000, until: 'END' });
  const out = {};
  for (const l of r.lines) {
    if (l.text.startsWith('BAD ')) throw new Error('firmware check failed: ' + l.text);
    const m = /^R (\S+) (\S+)$/.exec(l.text);
    if (m) out[m[1]] = Number(m[2]);
  }
  if (r.code !== 0 || out['handover-get'] === undefined) {
    throw new Error(`the firmware program did not finish (exit ${r.code}${r.crash ? ', crash: ' + r.crash : ''}):\n${r.stdout}\n${r.stderr}`);
  }
  return out;
}

/** The bundles whose heap after parse is measured. */
export function bundles() {
  const boards = readdirSync(dist('board')).filter((f) => f.endsWith('.js')).sort().map((f) => 'board/' + f);
  return ['threadsafe.js', 'threadsafe.min.js', 'threadsafe-kaluma.js', 'threadsafe-kaluma.min.js', ...boards];
}

export default async function run() {
  if (!findFirmware()) {
    console.log(`skipped: ${whyMissing()}`);
    return [];
  }
  const beforeDir = process.env.KALUMA_FW_BEFORE;
  const before = (b) => (beforeDir && existsSync(join(beforeDir, b)) ? readFileSync(join(beforeDir, b), 'utf8') : null);
  const [ops, loads, empty, opsBefore, loadsBefore] = await Promise.all([
    measureOps(),
    Promise.all(bundles().map(async (b) => [b, await loadCost(readFileSync(dist(b), 'utf8'))])),
    emptyProgram(),
    before('threadsafe.js') ? measureOps(before('threadsafe.js')) : null,
    Promise.all(bundles().map(async (b) => [b, before(b) ? await loadCost(before(b)) : null])),
  ]);
  const us = (v) => (v === undefined ? NaN : Number(v.toFixed(1)));
  const rows = [
    { name: 'putSync + getSync, nobody waiting (per iteration)', unit: 'µs', value: us(ops['put-get']), higherIsBetter: false, peers: [{ name: 'Array push + shift', value: us(ops['push-shift']) }], note: `an empty loop iteration: ${us(ops['empty-loop'])} µs` },
    { name: 'event set(), set already (per iteration)', unit: 'µs', value: us(ops['event-set']), higherIsBetter: false, peers: [{ name: 'call of an empty function', value: us(ops['call-empty']) }] },
    { name: 'event set() + clear() (per iteration)', unit: 'µs', value: us(ops['event-set-clear']), higherIsBetter: false, peers: [{ name: 'two calls of an empty function', value: us(ops['call-empty-2']) }] },
    { name: 'flag set() + clear() (per iteration)', unit: 'µs', value: us(ops['flag-set-clear']), higherIsBetter: false, peers: [{ name: 'two calls of an empty function', value: us(ops['call-empty-2']) }] },
    { name: 'getManySync(16 slots), per item', unit: 'µs', value: us(ops['get-many']), higherIsBetter: false, peers: [{ name: 'getSync in a loop, per item', value: us(ops['get-single']) }] },
    { name: 'hand-over, setInterval(0) producer → await get(), per item', unit: 'µs', value: us(ops['handover-get']), higherIsBetter: false, peers: [{ name: 'array + resolver queue', value: us(ops['handover-hand']) }] },
    { name: 'hand-over, setInterval(0) producer → next(), per item', unit: 'µs', value: us(ops['handover-next']), higherIsBetter: false, peers: [{ name: 'array + resolver queue (2nd run)', value: us(ops['handover-hand2']) }] },
    { name: 'ready() + getManySync consumer, 16 items per tick', unit: 'items/s', value: Math.round(ops['batch-many'] ?? NaN), higherIsBetter: true, peers: [{ name: 'per-item next() consumer', value: Math.round(ops['batch-next']) }], note: `lost (QueueFull) in ${300} ms: ready+getManySync ${ops['batch-many-lost'] ?? 'n/a'}, next() ${ops['batch-next-lost']}` },
  ];
  if (opsBefore) {
    const keys = ['put-get', 'event-set', 'event-set-clear', 'flag-set-clear', 'get-many', 'handover-get', 'handover-next', 'batch-many'];
    keys.forEach((k, i) => {
      const v = opsBefore[k];
      rows[i].peers.push({ name: `before (${beforeDir})`, value: v === undefined ? NaN : k === 'batch-many' ? Math.round(v) : us(v) });
    });
  }
  const e = await empty;
  const beforeOf = new Map(loadsBefore);
  for (const [b, c] of loads) {
    const old = beforeOf.get(b);
    rows.push({ name: `heap after parse, dist/${b}`, unit: 'B', value: c.heap, higherIsBetter: false, peers: old ? [{ name: `before (${beforeDir})`, value: old.heap }] : [], note: `after its top level ran: ${c.heapAfterRun} B; load time (parse + top level) +${(c.loadUs / 1000).toFixed(1)} ms over an empty program (which starts at ${(e.p2.us / 1000).toFixed(1)} ms from boot)` });
  }
  const core = loads.find(([b]) => b === 'threadsafe.js')[1];
  const coreBefore = beforeOf.get('threadsafe.js');
  rows.push({ name: 'load dist/threadsafe.js (parse + top level) over an empty program', unit: 'ms', value: Number((core.loadUs / 1000).toFixed(1)), higherIsBetter: false, peers: coreBefore ? [{ name: `before (${beforeDir})`, value: Number((coreBefore.loadUs / 1000).toFixed(1)) }] : [] });
  return rows;
}
