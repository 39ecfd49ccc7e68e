// The library on Espruino's own RP2040 port (2v29.277, BOARD=RP2040_PICO) booted in the rp2040js
// emulator (../shared/espruino-rp2040; prints `skipped: <why>` without it), each figure beside
// its hand-written peer measured in the same program, timed with getTime() (emulated 125 MHz
// RP2040; compare ratios, not absolutes). Programs are uploaded as the IDE saves to flash
// (.bootcde + load()), so function text stays in flash and variables count objects, not text.
//   - variables after load (process.memory().usage over an empty program) of each way to put
//     the library on an Espruino board: the before (dist/threadsafe.min.js, with or without
//     dist/threadsafe-espruino.min.js) and after (dist/threadsafe.espruino.min.js) bundles;
//   - putSync + getSync with nobody waiting, per loop iteration, vs Array push + shift, on both
//     bundles (the loop itself is in both figures; an empty iteration is in the note);
//   - edge → task: an output wired to an input (GP16 → GP17), the program toggles it and times
//     until the consumer's .then runs: a WatchSource into an event, a flag, a message and a
//     queue, vs a hand-written setWatch callback resolving a promise (and, for the event, a
//     setWatch callback calling event.set() itself: what WatchSource adds). Median of 15 edges.
//
//   node bench/run.mjs espruino-rp2040      (after npm run build; a few minutes of wall time)
import { readFileSync } from 'node:fs';
import { chipMissing, onChip } from '../host-tests/espruino-rp2040/chip.mjs';

export const title = "Espruino 2v29 on the RP2040 (its own port, emulated Pico): variables, per-operation cost, edge → task";

const dist = (f) => readFileSync(new URL('../dist/' + f, import.meta.url), 'utf8');
const BEFORE = 'threadsafe.min.js';
const AFTER = 'threadsafe.espruino.min.js';

/** Reports "R name value" lines; loops inside functions, 3 runs each interleaved, median. */
const OPS = String.raw`
function median3(f) { var a = [f(), f(), f()]; a.sort(function (x, y) { return x - y; }); return a[1]; }
function emptyLoop() { var t = getTime(); for (var i = 0; i < 100; i++) {} return (getTime() - t) * 1e4; }
function pushShift() { var a = []; var t = getTime(); for (var i = 0; i < 100; i++) { a.push(i); a.shift(); } return (getTime() - t) * 1e4; }
var q1 = new threadsafe.ThreadSafeQueue(new Array(64));
function putGet() { var q = q1; var t = getTime(); for (var i = 0; i < 100; i++) { q.putSync(i); q.getSync(); } return (getTime() - t) * 1e4; }
setTimeout(function () {
  q1.putSync(1); q1.putSync(2);
  if (q1.getSync() !== 1 || q1.getSync() !== 2 || !q1.empty()) { print('BAD putSync/getSync'); return; }
  print('R empty-loop ' + median3(emptyLoop));
  print('R push-shift ' + median3(pushShift));
  print('R put-get ' + median3(putGet));
  print('DONE');
}, 10);
`;

/** Edge → task through GP16 → GP17 for each candidate in turn; "R edge-<name> <µs>" lines. */
const EDGES = String.raw`
var T = threadsafe, OUT = D16, IN = D17, level = 0;
pinMode(IN, 'input');
digitalWrite(OUT, 0);
function med(a) { a.sort(function (x, y) { return x - y; }); return a[a.length >> 1]; }
// each candidate: setup() returns { wait: function(cb), stop: function() }; wait(cb) calls cb once the edge reached the task
var candidates = [
  ['hand', function () {
    var resolveFn = null;
    var id = setWatch(function () { var r = resolveFn; resolveFn = null; if (r) r(); }, IN, { repeat: true, edge: 'both' });
    return { wait: function (cb) { new Promise(function (r) { resolveFn = r; }).then(cb); }, stop: function () { clearWatch(id); } };
  }],
  ['event-direct', function () {
    var ev = new T.ThreadSafeEvent();
    var id = setWatch(function () { ev.set(); }, IN, { repeat: true, edge: 'both' });
    return { wait: function (cb) { ev.wait().then(function () { ev.clear(); cb(); }); }, stop: function () { clearWatch(id); } };
  }],
  ['event', function () {
    var ev = new T.ThreadSafeEvent(), src = new T.WatchSource(IN, ev);
    return { wait: function (cb) { ev.wait().then(function () { ev.clear(); cb(); }); }, stop: function () { src.detach(); } };
  }],
  ['flag', function () {
    var f = new T.ThreadSafeFlag(), src = new T.WatchSource(IN, f);
    return { wait: function (cb) { f.wait().then(cb); }, stop: function () { src.detach(); } };
  }],
  ['message', function () {
    var m = new T.ThreadSafeMessage(), src = new T.WatchSource(IN, m);
    return { wait: function (cb) { m.wait().then(function () { m.clear(); cb(); }); }, stop: function () { src.detach(); } };
  }],
  ['queue', function () {
    var q = new T.ThreadSafeQueue(new Array(8)), src = new T.WatchSource(IN, q);
    return { wait: function (cb) { q.next().then(function (r) { if (typeof r.value !== 'number') print('BAD queue item ' + r.value); cb(); }); }, stop: function () { src.detach(); } };
  }],
];
var c = 0;
function nextCandidate() {
  if (c === candidates.length) { print('DONE'); return; }
  var name = candidates[c][0], s = candidates[c][1](), lat = [], n = 0;
  c++;
  function one() {
    var t0;
    s.wait(function () {
      lat.push((getTime() - t0) * 1e6);
      if (++n === 15) { s.stop(); print('R edge-' + name + ' ' + med(lat)); setTimeout(nextCandidate, 20); }
      else setTimeout(one, 10);
    });
    level = 1 - level;
    t0 = getTime();
    digitalWrite(OUT, level);
  }
  setTimeout(one, 10);
}
setTimeout(nextCandidate, 10);
`;

function parse(run, what) {
  const r = {};
  for (const t of run.texts) {
    if (t.startsWith('BAD')) throw new Error(`${what}: ${t}`);
    const m = /^R (\S+) (\S+)$/.exec(t);
    if (m) r[m[1]] = Number(m[2]);
  }
  if (!run.texts.includes('DONE')) throw new Error(`${what}: no DONE (exit ${run.code})\n${run.texts.join('\n')}\n${run.stderr}`);
  return r;
}

const VARS = (code) => `var V0 = process.memory().usage;\n${code}\n;print('R vars ' + (process.memory().usage - V0));\nprint('DONE');\n`;

export default async function run() {
  const missing = chipMissing();
  if (missing) {
    console.log(`skipped: ${missing}`);
    return [];
  }
  const layouts = [
    [AFTER, dist(AFTER)],
    [BEFORE, dist(BEFORE)],
    [`${BEFORE} + threadsafe-espruino.min.js`, dist(BEFORE) + '\n' + dist('threadsafe-espruino.min.js')],
    ['threadsafe.js + threadsafe-espruino.js', dist('threadsafe.js') + '\n' + dist('threadsafe-espruino.js')],
  ];
  const [varRuns, opsAfter, opsBefore, edges] = await Promise.all([
    Promise.all(layouts.map(([, code]) => onChip(VARS(code), { ms: 3000 }))),
    onChip(dist(AFTER) + '\n' + OPS, { ms: 20000 }),
    onChip(dist(BEFORE) + '\n' + OPS, { ms: 20000 }),
    onChip(dist(AFTER) + '\n' + EDGES, { ms: 20000, wires: [[16, 17]] }),
  ]);
  const vars = varRuns.map((r, i) => parse(r, 'variables of ' + layouts[i][0]).vars);
  const a = parse(opsAfter, 'ops ' + AFTER);
  const b = parse(opsBefore, 'ops ' + BEFORE);
  const e = parse(edges, 'edge → task');
  const us = (v) => Number(v.toFixed(0));
  const rows = [
    { name: `variables after load, dist/${AFTER}`, unit: 'vars', value: vars[0], higherIsBetter: false, peers: layouts.slice(1).map(([n], i) => ({ name: n, value: vars[i + 1] })), note: 'of 12,000 (14 bytes each); over an empty program; the goal is 450' },
    { name: `putSync + getSync, nobody waiting (per iteration), dist/${AFTER}`, unit: 'µs', value: us(a['put-get']), higherIsBetter: false, peers: [{ name: 'Array push + shift', value: us(a['push-shift']) }, { name: `before: dist/${BEFORE}`, value: us(b['put-get']) }], note: `an empty loop iteration: ${us(a['empty-loop'])} µs; push + shift in the before run: ${us(b['push-shift'])} µs; the goal is 2.5× push + shift` },
  ];
  for (const k of ['event', 'flag', 'message', 'queue']) {
    const peers = [{ name: 'setWatch callback resolving a promise', value: us(e['edge-hand']) }];
    if (k === 'event') peers.push({ name: 'setWatch callback calling event.set() (no WatchSource)', value: us(e['edge-event-direct']) });
    rows.push({ name: `edge → task, WatchSource → ${k === 'queue' ? 'ThreadSafeQueue (next())' : 'ThreadSafe' + k[0].toUpperCase() + k.slice(1)}`, unit: 'µs', value: us(e['edge-' + k]), higherIsBetter: false, peers, note: 'median of 15 edges, GP16 → GP17, timed from digitalWrite to the consumer’s .then' });
  }
  return rows;
}
