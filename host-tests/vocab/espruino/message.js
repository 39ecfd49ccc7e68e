// ThreadSafeMessage on Espruino: every public member (ES5, nothing used before its declaration).
var m = new T.ThreadSafeMessage();
step(function () {
  line('new: isSet ' + m.isSet() + ' hasWaiters ' + m.hasWaiters() + ' value ' + m.value() + ' onwait ' + m.onwait);
  var calls = 0;
  m.onwait = function () {
    calls++;
  };
  var got = [];
  var a = m.wait().then(function (v) {
    got.push('a=' + v);
  });
  var b = m.wait().then(function (v) {
    got.push('b=' + v);
  });
  var c = m.wait({ timeout: 5000 }).then(function (v) {
    got.push('c=' + v);
  });
  line('three waiting: hasWaiters ' + m.hasWaiters() + ' onwait calls ' + calls);
  m.onwait = null;
  setTimeout(function () {
    m.set(42);
    m.set(43);
  }, 10);
  return Promise.all([a, b, c]).then(function () {
    line('set(42) from a timer woke ' + got.join(',') + '; isSet ' + m.isSet() + ' value ' + m.value());
    return outcome(m.wait());
  }).then(function (o) {
    line('wait on a set message: ' + o);
  });
});
step(function () {
  m.clear();
  line('clear: isSet ' + m.isSet() + ' value ' + m.value());
  var ac = new T.AbortController();
  var aborted = outcome(m.wait({ signal: ac.signal }));
  var timed = outcome(m.wait({ timeout: 5 }));
  var plain = outcome(m.wait());
  ac.abort();
  return Promise.all([aborted, timed]).then(function (r) {
    line('abort: ' + r[0] + '; timeout: ' + r[1] + '; hasWaiters ' + m.hasWaiters());
    m.set('x');
    return plain;
  }).then(function (o) {
    line('the plain waiter: ' + o);
  });
});
step(function () {
  var e1 = 'none';
  try {
    m.wait({ timeot: 1 });
  } catch (e) {
    e1 = 'TypeError ' + (e instanceof TypeError) + ': ' + e.message;
  }
  line(e1);
});
run();
