// Latency, pin edge -> first line of an awaiting task, two ways in one run (the test reads the
// pin log: the edge on the input, the toggle of the task's output):
// A: InterruptSource(GP3, RISING) -> ThreadSafeFlag -> task toggles GP4.
// B: hand-written: a primitive counter in attachInterrupt(GP5), polled by setInterval(0),
//    which resolves the task's promise -> task toggles GP6.
var flag = new threadsafe.ThreadSafeFlag();
pinMode(3, INPUT_PULLDOWN);
pinMode(5, INPUT_PULLDOWN);
pinMode(4, OUTPUT);
pinMode(6, OUTPUT);
var src = new threadsafeKaluma.InterruptSource(3, flag, { events: RISING });
var a = 0;
function taskA() {
  flag.wait().then(function () {
    a ^= 1;
    digitalWrite(4, a);
    taskA();
  });
}
taskA();

var nB = 0;
function isrB(pin, events) { nB = (nB + 1) & 0x7ffffff; }
attachInterrupt(5, isrB, RISING);
var seenB = 0;
var resolveB = null;
function captureB(resolve) { resolveB = resolve; }
setInterval(function () {
  if (nB !== seenB && resolveB !== null) {
    seenB = nB;
    var r = resolveB;
    resolveB = null;
    r();
  }
}, 0);
var b = 0;
function taskB() {
  new Promise(captureB).then(function () {
    b ^= 1;
    digitalWrite(6, b);
    taskB();
  });
}
taskB();
console.log('READY');
