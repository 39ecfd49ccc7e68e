// Timeouts of waits that begin after a long synchronous stretch (host-tests/firmware/timeouts.test.mjs).
// Kaluma 1.2.1 counts a timer's delay from the start of the loop iteration that set it, so a plain
// setTimeout set after such a stretch fires early; each wait below (timeout 200 ms) must not.
// The library's bundle comes first (helpers.mjs).
var T = threadsafe;
function busy(ms) { var t = millis(); while (millis() - t < ms) {} }
function report(what, t1) {
  return function (e) { console.log(what + ' ' + (e && e.name) + ' ' + (millis() - t1)); };
}
function waits(where) {
  var t1 = millis();
  setTimeout(function () { console.log(where + ' setTimeout ' + (millis() - t1)); }, 200);
  new T.ThreadSafeEvent().wait({ timeout: 200 }).then(null, report(where + ' event', t1));
  new T.ThreadSafeFlag().wait({ timeout: 200 }).then(null, report(where + ' flag', t1));
  new T.ThreadSafeMessage().wait({ timeout: 200 }).then(null, report(where + ' message', t1));
  new T.ThreadSafeQueue(new Array(4)).get({ timeout: 200 }).then(null, report(where + ' queue', t1));
  T.select([new T.ThreadSafeFlag()], { timeout: 200 }).then(null, report(where + ' select', t1));
}
busy(600);
waits('top');
var loopAt = millis();
// a main-loop callback with its own 600 ms stretch, 1 s on (by millis(): the interval is accurate).
// Named and kept by the program: an anonymous interval callback that clears its own interval and
// then allocates runs freed bytecode on Kaluma 1.2.1 (docs/platform.md)
var iv = setInterval(onLoop, 10);
function onLoop() {
  if (millis() - loopAt < 1000) return;
  clearInterval(iv);
  busy(600);
  waits('loop');
}
console.log('READY');
