// select() on Espruino: ready at the call, waiting, two at once, timeout, abort, bad sources.
var q = new T.ThreadSafeQueue(new Array(8));
var f = new T.ThreadSafeFlag();
var e = new T.ThreadSafeEvent();
var m = new T.ThreadSafeMessage();
function show(r) {
  return 'index ' + r.index + ' value ' + r.value;
}
step(function () {
  q.putSync('a');
  f.set();
  return T.select([f, q]).then(function (r) {
    line('ready at the call: ' + show(r) + '; flag isSet ' + f.isSet() + ' qsize ' + q.qsize());
  });
});
step(function () {
  q.getSync();
  var p = T.select([q, f, e, m]);
  line('waiting: ' + q.hasWaiters() + ' ' + f.hasWaiters() + ' ' + e.hasWaiters() + ' ' + m.hasWaiters());
  setTimeout(function () {
    m.set(42);
  }, 5);
  return p.then(function (r) {
    line('woken: ' + show(r) + '; waiters left ' + (q.hasWaiters() || f.hasWaiters() || e.hasWaiters() || m.hasWaiters()));
  });
});
step(function () {
  m.clear();
  var p = T.select([f, q]);
  q.putSync('b');
  f.set();
  return p.then(function (r) {
    line('two at once: one taken; flag isSet ' + f.isSet() + ' qsize ' + q.qsize() + ' index ' + r.index);
  });
});
step(function () {
  f.clear();
  q.getSync && !q.empty() && q.getSync();
  return outcome(T.select([f, q], { timeout: 10 })).then(function (o) {
    line('timeout: ' + o + '; waiters left ' + (f.hasWaiters() || q.hasWaiters()));
    var ac = new T.AbortController();
    var p = outcome(T.select([e], { signal: ac.signal }));
    ac.abort(3);
    return p;
  }).then(function (o) {
    line('abort: ' + o + '; waiters left ' + e.hasWaiters());
    return outcome(T.select([q, {}]));
  }).then(function (o) {
    line('bad source: ' + o);
  });
});
run();
