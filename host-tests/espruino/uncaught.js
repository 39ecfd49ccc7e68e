// Library errors thrown and never caught: what Espruino prints for each ("Uncaught ...").
// The timers start 200 ms after the program and 100 ms apart: on the RP2040 port each report
// (with its stack) takes about 40 ms to print, and an error thrown by a timer that runs while
// the console is still busy with the previous report or the load() prompt is not reported at
// all (measured there; the Linux build reports it).
var q = new T.ThreadSafeQueue([0, 0]);
setTimeout(function () {
  print('throw QueueEmpty');
  q.getSync();
}, 200);
setTimeout(function () {
  print('throw QueueFull');
  throw new T.QueueFull('thrown from a timer');
}, 300);
setTimeout(function () {
  print('throw RangeError');
  new T.ThreadSafeQueue([0]);
}, 400);
setTimeout(function () {
  print('reject TimeoutError');
  new T.ThreadSafeEvent().wait({ timeout: 1 });
}, 500);
setTimeout(function () {
  print('DONE');
  quit();
}, 600);
