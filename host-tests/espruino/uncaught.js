// Library errors thrown and never caught: what Espruino prints for each ("Uncaught ...").
var q = new T.ThreadSafeQueue([0, 0]);
setTimeout(function () {
  print('throw QueueEmpty');
  q.getSync();
}, 10);
setTimeout(function () {
  print('throw QueueFull');
  throw new T.QueueFull('thrown from a timer');
}, 30);
setTimeout(function () {
  print('throw RangeError');
  new T.ThreadSafeQueue([0]);
}, 50);
setTimeout(function () {
  print('reject TimeoutError');
  new T.ThreadSafeEvent().wait({ timeout: 1 });
}, 70);
setTimeout(function () {
  print('DONE');
  quit();
}, 150);
