// What each shape of attachInterrupt handler makes the engine do (host-tests/firmware/isr-soak.test.mjs,
// "shapes"): one handler per pin, RISING; the emulator's isrProbe counts per pin the references the
// interrupt takes (on objects of count 0: the crash when it lands while the collector marks) and
// the allocations. The table of docs/platform.md, "The interrupt rule", comes from this program.
var G = 0;
let L = 0;
var keep = [];
function shape(pin, make) { var h = make(); keep.push(h); pinMode(pin, INPUT); attachInterrupt(pin, h.isr, RISING); }
var shapes = {
  2: function () { var n = 0; return { isr: function () { n = (n + 1) & 0x3ffffff; } }; },
  3: function () { var n = 0; return { isr: function () { n += 1; } }; },
  4: function () { var n = 0; return { isr: function () { n++; } }; },
  5: function () { var n = 0; return { isr: function () { n ^= 1; } }; },
  6: function () { var n = 0; return { isr: function () { var x = n; x ^= 1; x += 2; n = x & 0x3ffffff; } }; },
  7: function () { var n = 0; return { isr: function (pin, ev) { ev += 1; n = ev; } }; },
  8: function () { return { isr: function () { G = (G + 1) & 0x3ffffff; } }; },
  9: function () { return { isr: function () { L = (L + 1) & 0x3ffffff; } }; },
  10: function () { var n = 0; function f() { n = (n + 1) & 0x3ffffff; } return { isr: function () { f(); } }; },
  11: function () { var n = 0, f = 0; return { isr: function () { f = n * 1.5; n = (n + 1) & 0x3ffffff; } }; },
  12: function () { var ta = new Int32Array(1); return { isr: function () { ta[0] = ta[0] + 1; } }; },
  13: function () { var o = { x: 0 }; return { isr: function () { o.x = o.x + 1; } }; },
  14: function () { var big = 0; return { isr: function () { big = big + 200000000; } }; },
  15: function () { var n = 0; return { isr: function () { n = HIGH + n; } }; },
  16: function () { var n = 0; return { isr: function () { n = micros() & 1; } }; },
  17: function () { return { isr: function () { G += 1; } }; },
  18: function () { return { isr: function () { L += 1; } }; },
  19: function () { var n = 0; return { isr: function () { n = -n; } }; },
  20: function () { var n = 0x7fffffa; return { isr: function () { n = (n + 1) & 0x7ffffff; } }; },
  21: function () { var n = 0x7fffffa; return { isr: function () { n = (n - 0x7ffffff) & 0x7ffffff; } }; },
};
for (var p in shapes) shape(Number(p), shapes[p]);
console.log('READY');
