// The interrupt soak (host-tests/firmware/isr-soak.test.mjs): attachInterrupt handlers firing
// through many garbage collections on purpose. The library's bundles come first (helpers.mjs).
// SOAK_MS, the end of the pin script, is set by the test; SOAK_BAD adds a handler that breaks the
// interrupt rule (a compound assignment to its closure variable) on pins 9 and 10.
var T = threadsafe, K = threadsafeKaluma;
pinMode(2, INPUT); pinMode(3, INPUT); pinMode(6, INPUT); pinMode(7, INPUT); pinMode(8, INPUT); pinMode(9, INPUT);
pinMode(11, INPUT); pinMode(12, INPUT);
// (a) the encoder, both pins on CHANGE
var enc = new K.EncoderSource(2, 3);
// (b) InterruptSource: CHANGE into a queue (the ring handler), RISING counted (the count handler)
var q = new T.ThreadSafeQueue(new Array(64));
var ring = new K.InterruptSource(6, q, { idle: false });
var counted = new K.InterruptSource(7, new T.ThreadSafeFlag(), { events: RISING, idle: false });
// (c) a minimal hand-written handler, kept by the program (the firmware over-releases it)
var edges8 = 0x3fffff0; // 16 edges below the wrap of its 26-bit count
function onEdge8() { edges8 = (edges8 + 1) & 0x3ffffff; }
attachInterrupt(8, onEdge8, RISING);
// (d) the same two kinds of handler on pins that only the test's probe raises, each time a
// collection starts marking (its markEdge): every one of their interrupts lands in the window
var edges11 = 0;
function onEdge11() { edges11 = (edges11 + 1) & 0x3ffffff; }
attachInterrupt(11, onEdge11, RISING);
var counted12 = new K.InterruptSource(12, new T.ThreadSafeFlag(), { events: RISING, idle: false });
var edges9 = 0;
function onEdge9() { edges9 += 1; }
// the main loop: take the queue's edges, and churn the heap over a live structure of a few hundred
// objects, so that the collector runs often and each collection marks for a while
var live = [];
for (var k = 0; k < 300; k++) live.push({ k: k, v: [k] });
var taken = 0, batch = new Array(64), junk = null, churns = 0, readyAt = millis(), done = false;
setInterval(function () {
  taken += q.getManySync(batch);
  for (var i = 0; i < 6; i++) junk = { i: i, a: [i], next: junk };
  junk = null;
  churns++;
  if (bad10 && millis() - readyAt >= 1000) { bad10 = false; attachInterrupt(10, onEdge9, RISING); }
  if (!done && millis() - readyAt >= SOAK_MS + 300) {
    done = true;
    ring.flush();
    taken += q.getManySync(batch);
    console.log('soak position ' + enc.position() + ' invalid ' + enc.invalid() + ' latched ' + enc.latched() + ' ring ' + ring.recorded() + ' taken ' + taken +
      ' overruns ' + ring.overruns() + ' pending ' + ring.pending() + ' counted ' + counted.recorded() + ' edges8 ' + edges8 + ' edges9 ' + edges9 + ' edges11 ' + edges11 + ' counted12 ' + counted12.recorded() + ' churns ' + churns);
    console.log('END');
  }
}, 1);
// the control: pin 9 from the start of the soak (its interrupts land wherever the pin script puts
// them), and after 1 s (by millis(): a setTimeout set here would fire early, docs/platform.md) the
// same handler on pin 10 too, which the test's probe raises as each collection starts marking
var bad10 = typeof SOAK_BAD !== 'undefined';
if (bad10) { attachInterrupt(9, onEdge9, RISING); pinMode(10, INPUT); }
console.log('READY');
