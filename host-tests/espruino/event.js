// ThreadSafeEvent on Espruino: every public member.
var evt = new T.ThreadSafeEvent();
step(function () {
  line('new: isSet ' + evt.isSet() + ' hasWaiters ' + evt.hasWaiters() + ' onwait ' + evt.onwait);
  var calls = 0;
  evt.onwait = function () {
    calls++;
  };
  var order = [];
  var a = evt.wait().then(function () {
    order.push('a');
  });
  var b = evt.wait().then(function () {
    order.push('b');
  });
  var c = evt.wait({ timeout: 5000 }).then(function () {
    order.push('c');
  });
  line('three waiting: hasWaiters ' + evt.hasWaiters() + ' onwait calls ' + calls);
  evt.onwait = null;
  setTimeout(function () {
    evt.set();
  }, 10);
  return Promise.all([a, b, c]).then(function () {
    line('set from a timer woke ' + order.join(',') + '; isSet ' + evt.isSet() + ' hasWaiters ' + evt.hasWaiters());
    return outcome(evt.wait());
  }).then(function (o) {
    line('wait on a set event: ' + o);
  });
});
step(function () {
  evt.clear();
  line('clear: isSet ' + evt.isSet());
  var woken = false;
  evt.wait().then(function () {
    woken = true;
  });
  evt.set();
  evt.clear();
  return sleep(10).then(function () {
    line('set then clear at once: the waiter still woke ' + woken + ', isSet ' + evt.isSet());
  });
});
step(function () {
  var ac = new T.AbortController();
  var log = [];
  var kept = evt.wait().then(function () {
    log.push('kept woke');
  });
  var cancelled = evt.wait({ signal: ac.signal }).then(null, function (e) {
    log.push('cancelled ' + describeError(e, T.AbortError) + ' reason ' + String(e.reason));
  });
  var timed = evt.wait({ timeout: 20 }).then(null, function (e) {
    log.push('timed out ' + describeError(e, T.TimeoutError));
  });
  ac.abort();
  return sleep(60).then(function () {
    line('after abort and timeout: hasWaiters ' + evt.hasWaiters());
    evt.set();
    return Promise.all([kept, cancelled, timed]);
  }).then(function () {
    for (var i = 0; i < log.length; i++) line(log[i]);
    evt.clear();
  });
});
step(function () {
  var ac = new T.AbortController();
  ac.abort(7);
  evt.set();
  return evt.wait({ signal: ac.signal }).then(null, function (e) {
    line('already aborted signal on a set event: ' + e.name + ' reason ' + e.reason);
    evt.clear();
  });
});
step(function () {
  try {
    evt.wait({ timeout: 2147483648 });
  } catch (e) {
    line('timeout 2^31: ' + describeError(e, TypeError));
  }
  try {
    evt.wait({ timeout: '5' });
  } catch (e) {
    line('timeout "5": ' + (e instanceof TypeError) + ' ' + e.message);
  }
});
run();
