// The vocabulary on the real Kaluma 1.2.1 firmware (emulated RP2040, ../shared/kaluma-emu), each
// figure beside a hand-written equivalent measured in the same program with micros():
//   - ThreadSafeMessage.set(data) with nobody waiting vs a hand-written object's set(data)
//     (stores the data and a flag: the same work without the waiter check);
//   - putSync into a full 'drop-oldest' ThreadSafeQueue (drops the oldest, takes the new) vs a
//     hand-written overwrite ring in a plain function;
//   - one decoded encoder step: EncoderSource's interrupt function called with alternating edges
//     of pins A and B vs a hand-written decoder closure doing the same, written to the interrupt
//     rule (`a = 1 - a`, not `a ^= 1`: docs/platform.md) (the interrupt entry, ~29 µs, comes on
//     top of both on the board).
// Loops run inside functions (top-level code uses global variables on Kaluma); median of 3.
//
//   node bench/run.mjs vocab-fw        (after npm run build; about a minute of wall time)
import { readFileSync } from 'node:fs';
import { findFirmware, runOnFirmware, whyMissing } from '../scripts/firmware.mjs';

export const title = 'Kaluma 1.2.1 firmware: ThreadSafeMessage.set(data), a drop-oldest put, a decoded encoder step';

const dist = (f) => readFileSync(new URL('../dist/' + f, import.meta.url), 'utf8');
const N = 150;
const PROGRAM = String.raw`
var T = threadsafe, K = threadsafeKaluma;
function median3(f) { var a = [f(), f(), f()]; a.sort(function (x, y) { return x - y; }); return a[1]; }
function report(name, v) { console.log('R ' + name + ' ' + v); }
function check(ok, what) { if (!ok) { console.log('BAD ' + what); throw new Error(what); } }
var m = new T.ThreadSafeMessage();
var hand = { data: undefined, state: false, waiters: null, set: function (d) { this.data = d; if (this.state) return; this.state = true; if (this.waiters !== null) this.waiters = null; } };
function msgSet() { var x = m; var t = micros(); for (var i = 0; i < ${N}; i++) x.set(i); return (micros() - t) / ${N}; }
function handSet() { var x = hand; var t = micros(); for (var i = 0; i < ${N}; i++) x.set(i); return (micros() - t) / ${N}; }
var q = new T.ThreadSafeQueue(new Array(64), { overflow: 'drop-oldest' });
for (var k = 0; k < 63; k++) q.putSync(k);
var ring = { buf: new Array(64), wi: 63, ri: 0, dropped: 0 };
function ringPut(r, x) { var wi = r.wi, next = (wi + 1) & 63; if (next === r.ri) { r.buf[r.ri] = undefined; r.ri = (r.ri + 1) & 63; r.dropped++; } r.buf[wi] = x; r.wi = next; }
function dropPut() { var x = q; var t = micros(); for (var i = 0; i < ${N}; i++) x.putSync(i); return (micros() - t) / ${N}; }
function handPut() { var r = ring; var t = micros(); for (var i = 0; i < ${N}; i++) ringPut(r, i); return (micros() - t) / ${N}; }
pinMode(2, INPUT_PULLUP); pinMode(3, INPUT_PULLUP);
var enc = new K.EncoderSource(2, 3);
detachInterrupt(2); detachInterrupt(3); // called by hand below: no pin drives them
var isr = enc._isr;
var dec = (function () { var a = 1, b = 1, pos = 0, bad = 0;
  return function (pin, e) { if (e === 12) return; var level = (e >> 3) & 1; if (pin === 2) { if (level === a) { bad++; return; } a = 1 - a; pos = a === b ? (pos - 1) & 0x7ffffff : (pos + 1) & 0x7ffffff; } else { if (level === b) { bad++; return; } b = 1 - b; pos = a === b ? (pos + 1) & 0x7ffffff : (pos - 1) & 0x7ffffff; } }; })();
// one quadrature cycle from AB = 11 forward: A falls, B falls, A rises, B rises
function libSteps() { var f = isr; var t = micros(); for (var i = 0; i < ${N / 2}; i++) { f(2, 4); f(3, 4); f(2, 8); f(3, 8); } return (micros() - t) / ${2 * N}; }
function handSteps() { var f = dec; var t = micros(); for (var i = 0; i < ${N / 2}; i++) { f(2, 4); f(3, 4); f(2, 8); f(3, 8); } return (micros() - t) / ${2 * N}; }
function emptyLoop() { var t = micros(); for (var i = 0; i < ${N}; i++) {} return (micros() - t) / ${N}; }
// correctness first
(function () {
  var w = m.wait(); m.set(5); check(m.value() === 5 && m.isSet(), 'message set');
  var p0 = enc.position(); libSteps(); check(enc.position() === p0 - 300 || enc.position() === p0 + 300, 'encoder: 300 steps one way, got ' + (enc.position() - p0));
  check(enc.invalid() === 0, 'no invalid edge');
  var d0 = q.dropped(); q.putSync(-1); check(q.dropped() === d0 + 1 && q.qsize() === 63, 'drop-oldest');
})();
report('empty', median3(emptyLoop));
report('msgSet', median3(msgSet)); report('handSet', median3(handSet));
report('dropPut', median3(dropPut)); report('handPut', median3(handPut));
report('libStep', median3(libSteps)); report('handStep', median3(handSteps));
console.log('END');
`;

export default async function () {
  if (!findFirmware()) return [{ name: 'skipped', unit: '', value: null, peers: [], note: whyMissing() }];
  const res = await runOnFirmware({ code: dist('threadsafe.min.js') + '\n' + dist('threadsafe-kaluma.min.js') + '\n' + PROGRAM }, { ms: 60000, until: 'END' });
  const bad = res.lines.find((l) => /^BAD /.test(l.text));
  if (bad || res.crash || res.code !== 0) throw new Error(`vocab-fw: ${bad ? bad.text : res.crash || 'exit ' + res.code}\n${res.stdout.slice(-1500)}`);
  const r = {};
  for (const l of res.lines) {
    const m = /^R (\w+) ([\d.]+)$/.exec(l.text);
    if (m) r[m[1]] = Number(m[2]);
  }
  const note = `minified bundles; per operation, loop included (an empty iteration is ${r.empty} µs)`;
  return [
    { name: 'ThreadSafeMessage.set(data), nobody waiting', unit: 'µs', value: r.msgSet, higherIsBetter: false, peers: [{ name: 'hand-written object set(data)', value: r.handSet }], note },
    { name: "putSync into a full 'drop-oldest' queue (64 slots)", unit: 'µs', value: r.dropPut, higherIsBetter: false, peers: [{ name: 'hand-written overwrite ring, a function', value: r.handPut }], note },
    { name: 'EncoderSource: one decoded step (its interrupt function, called)', unit: 'µs', value: r.libStep, higherIsBetter: false, peers: [{ name: 'hand-written decoder closure', value: r.handStep }], note: note + '; the interrupt entry (~29 µs) comes on top of both' },
  ];
}
