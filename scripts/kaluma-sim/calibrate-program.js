// Microbenchmarks of the JavaScript engine and the event loop, for Kaluma (ES5, globals only).
// scripts/kaluma-sim/calibrate.mjs runs this on the real firmware (emulated) to fit the cost
// model of scripts/kaluma-sim, and on the simulation to check the fit. Generic operations only
// (calls, loops, properties, allocation, promise jobs, timers, interrupts), none of the library.
// Prints "CAL <name> <µs>" lines (per operation, loop overhead included), then "END".
// Pin script: rising edges on GP2 at 4 kHz from 2800 to 3300 ms (see calibrate.mjs).
var N = 200;
var G = 0; // a global variable
var out = function (name, us) { console.log('CAL ' + name + ' ' + Math.round(us * 10) / 10); };

// Each bench returns the µs of N iterations; everything it touches is a local of the bench
// (a register) unless the name says otherwise (cv: a variable of the enclosing function, G: a
// global), as in the library's bundles, whose code lives in one function scope.
var BENCH = (function () {
  var cv = 1;
  function f0() {}
  function f2(a, b) {}
  function C() { this.x = 1; this.y = 2; this.z = 3; }
  C.prototype.m = function () {};
  C.prototype.k = 5;
  function E() {}
  function exec(resolve) {}
  var obj = new C();
  var ownObj = { x: 1, m: function () {} };
  var array = [1, 2, 3];
  var settled = Promise.resolve(1);
  return {
    loop: function () { var n = N; var t0 = micros(); for (var i = 0; i < n; i++) {} return micros() - t0; },
    op3: function () { var n = N, s = 0; var t0 = micros(); for (var i = 0; i < n; i++) { s = (s + i) & 0xffff; } return micros() - t0; },
    envRead: function () { var n = N, s = 0; var t0 = micros(); for (var i = 0; i < n; i++) { s = cv; } return micros() - t0; },
    globalRead: function () { var n = N, s = 0; var t0 = micros(); for (var i = 0; i < n; i++) { s = G; } return micros() - t0; },
    call0: function () { var n = N, f = f0; var t0 = micros(); for (var i = 0; i < n; i++) { f(); } return micros() - t0; },
    call2: function () { var n = N, f = f2, s = 0; var t0 = micros(); for (var i = 0; i < n; i++) { f(i, s); } return micros() - t0; },
    protoMethod: function () { var n = N, o = obj; var t0 = micros(); for (var i = 0; i < n; i++) { o.m(); } return micros() - t0; },
    ownMethod: function () { var n = N, o = ownObj; var t0 = micros(); for (var i = 0; i < n; i++) { o.m(); } return micros() - t0; },
    propRead: function () { var n = N, o = obj, s = 0; var t0 = micros(); for (var i = 0; i < n; i++) { s = o.y; } return micros() - t0; },
    propWrite: function () { var n = N, o = obj; var t0 = micros(); for (var i = 0; i < n; i++) { o.y = i; } return micros() - t0; },
    protoRead: function () { var n = N, o = obj, s = 0; var t0 = micros(); for (var i = 0; i < n; i++) { s = o.k; } return micros() - t0; },
    index: function () { var n = N, a = array, s = 0; var t0 = micros(); for (var i = 0; i < n; i++) { s = a[1]; } return micros() - t0; },
    objLit: function () { var n = N, j = null; var t0 = micros(); for (var i = 0; i < n; i++) { j = { a: i }; } return micros() - t0; },
    arrLit: function () { var n = N, j = null; var t0 = micros(); for (var i = 0; i < n; i++) { j = [i]; } return micros() - t0; },
    newE: function () { var n = N, j = null, K = E; var t0 = micros(); for (var i = 0; i < n; i++) { j = new K(); } return micros() - t0; },
    closure: function () { var n = N, j = null; var t0 = micros(); for (var i = 0; i < n; i++) { j = function () {}; } return micros() - t0; },
    pushShift: function () { var n = N, a = array; var t0 = micros(); for (var i = 0; i < n; i++) { a.push(i); a.shift(); } return micros() - t0; },
    cond: function () { var n = N, s = 0; var t0 = micros(); for (var i = 0; i < n; i++) { if (i === s) s = 1; } return micros() - t0; },
    then: function () { var n = N, p = settled, f = f0; var t0 = micros(); for (var i = 0; i < n; i++) { p.then(f); } return micros() - t0; },
    promiseResolve: function () { var n = N; var t0 = micros(); for (var i = 0; i < n; i++) { Promise.resolve(i); } return micros() - t0; },
    newPromise: function () { var n = N, x = exec; var t0 = micros(); for (var i = 0; i < n; i++) { new Promise(x); } return micros() - t0; },
  };
})();

function micro() {
  for (var name in BENCH) out(name, BENCH[name]() / N);
}

// A chain of N reactions built beforehand: the time from resolve() to the last one, per job.
function f0() {}
function jobs() {
  var resolve = null;
  var p = new Promise(function (r) { resolve = r; });
  for (var i = 0; i < N; i++) p = p.then(f0);
  var t0 = 0;
  p.then(function () { out('job', (micros() - t0) / (N + 1)); });
  t0 = micros();
  resolve(1);
}

// A chain that makes its next step in each job: Promise.resolve(k).then(step).
function jobSteps() {
  var k = 0;
  var t0 = micros();
  function step() {
    if (++k < N) Promise.resolve(k).then(step);
    else out('jobStep', (micros() - t0) / N);
  }
  step();
}

// setTimeout(fn, 0) chain: µs per step.
function timeoutChain() {
  var k = 0;
  var t0 = micros();
  function step() {
    if (++k < 50) setTimeout(step, 0);
    else out('timeout0', (micros() - t0) / 50);
  }
  setTimeout(step, 0);
}

// setInterval(fn, 0) with `count` intervals: µs per loop iteration (calls of the first one).
function intervals(count, ms, name) {
  var calls = 0;
  var ids = [];
  var t0 = micros();
  ids.push(setInterval(function () { calls++; }, 0));
  for (var i = 1; i < count; i++) ids.push(setInterval(f0, 0));
  setTimeout(function () {
    var us = micros() - t0;
    for (var i = 0; i < ids.length; i++) clearInterval(ids[i]);
    out(name, us / calls);
  }, ms);
}

// Interrupts: a primitive-only handler on GP2 (a closure variable, as in the library's
// handlers); the main loop's busy work with and without edges.
var isrCount = (function () {
  var edges = 0;
  function isr(pin, events) { edges = (edges + 1) & 0x7ffffff; }
  pinMode(2, INPUT_PULLDOWN);
  attachInterrupt(2, isr, RISING);
  return function () { return edges + (isr ? 0 : 1); };
})();
function busy() { var n = 3000; var t0 = micros(); for (var i = 0; i < n; i++) {} return micros() - t0; }
var quiet = 0;
function isrQuiet() { quiet = busy(); }
function isrStorm() {
  var e0 = isrCount();
  var t = busy();
  var e = isrCount() - e0;
  out('isrEdges', e);
  out('isr', e > 0 ? (t - quiet) / e : 0);
}

setTimeout(micro, 200);
setTimeout(jobs, 900);
setTimeout(jobSteps, 1000);
setTimeout(timeoutChain, 1300);
setTimeout(function () { intervals(1, 300, 'interval1'); }, 1500);
setTimeout(function () { intervals(2, 300, 'interval2'); }, 1900);
setTimeout(function () { intervals(4, 300, 'interval4'); }, 2300);
setTimeout(isrQuiet, 2700);
setTimeout(isrStorm, 3000); // STORM 2800..3300 ms (top-level timers come early by the top level's run time)
setTimeout(function () { console.log('END'); }, 3400);
