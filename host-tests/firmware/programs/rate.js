// Edge rate: GP16 drives a PWM square wave of HZ into GP17 (a jumper wire, --wire 16:17), CHANGE
// edges, 2*HZ per second. MODE 'lib': InterruptSource -> ThreadSafeQueue -> ready() +
// getManySync(), counting edge kinds as the button demo does. MODE 'hand': a hand-written
// primitive-only handler with the same 16-slot ring, drained by a setInterval(0) poller.
// Prints "edges E overruns O" every 500 ms.
var OUT = 16, IN = 17;
pinMode(IN, INPUT_PULLUP);
analogWrite(OUT, 0.5, HZ);
var total = 0, rising = 0, falling = 0, overruns = 0;
if (MODE === 'lib') {
  var q = new threadsafe.ThreadSafeQueue(new Array(64));
  var src = new threadsafeKaluma.InterruptSource(IN, q, { events: CHANGE });
  var batch = new Array(64);
  var consume = function () {
    q.ready().then(function () {
      var n = q.getManySync(batch), r = 0, f = 0, kind;
      for (var i = 0; i < n; i++) {
        kind = batch[i];
        if (kind === 8) r++; else if (kind === 4) f++; else { r++; f++; }
      }
      rising += r; falling += f; total += r + f;
      consume();
    });
  };
  consume();
  var over = function () { return src.overruns(); };
} else {
  var w = 0, r = 0, ov = 0, e0 = 0, e1 = 0, e2 = 0, e3 = 0, e4 = 0, e5 = 0, e6 = 0, e7 = 0, e8 = 0, e9 = 0, e10 = 0, e11 = 0, e12 = 0, e13 = 0, e14 = 0, e15 = 0;
  var isr = function (pin, events) {
    if (((w - r) & 0x7ffffff) >= 16) { ov = (ov + 1) & 0x7ffffff; return; }
    switch (w & 15) {
      case 0: e0 = events; break; case 1: e1 = events; break; case 2: e2 = events; break; case 3: e3 = events; break;
      case 4: e4 = events; break; case 5: e5 = events; break; case 6: e6 = events; break; case 7: e7 = events; break;
      case 8: e8 = events; break; case 9: e9 = events; break; case 10: e10 = events; break; case 11: e11 = events; break;
      case 12: e12 = events; break; case 13: e13 = events; break; case 14: e14 = events; break; case 15: e15 = events; break;
    }
    w = (w + 1) & 0x7ffffff;
  };
  var kindAt = function (i) {
    switch (i & 15) {
      case 0: return e0; case 1: return e1; case 2: return e2; case 3: return e3; case 4: return e4; case 5: return e5;
      case 6: return e6; case 7: return e7; case 8: return e8; case 9: return e9; case 10: return e10; case 11: return e11;
      case 12: return e12; case 13: return e13; case 14: return e14;
    }
    return e15;
  };
  attachInterrupt(IN, isr, CHANGE);
  setInterval(function () {
    var rr = 0, ff = 0, kind, end = w; // what is recorded now: a bounded amount per call
    while (r !== end) {
      kind = kindAt(r);
      if (kind === 8) rr++; else if (kind === 4) ff++; else { rr++; ff++; }
      r = (r + 1) & 0x7ffffff;
    }
    rising += rr; falling += ff; total += rr + ff;
  }, 0);
  var over = function () { return ov; };
}
setInterval(function () { console.log('edges ' + total + ' overruns ' + over()); }, 500);
console.log('READY');
