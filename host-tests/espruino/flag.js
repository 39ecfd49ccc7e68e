// ThreadSafeFlag on Espruino: every public member.
var flag = new T.ThreadSafeFlag();
step(function () {
  line('new: isSet ' + flag.isSet() + ' hasWaiters ' + flag.hasWaiters() + ' onwait ' + flag.onwait);
  flag.set();
  line('set with nobody waiting: isSet ' + flag.isSet());
  return outcome(flag.wait()).then(function (o) {
    line('wait on a set flag: ' + o + ', isSet ' + flag.isSet());
  });
});
step(function () {
  flag.set();
  flag.clear();
  line('set then clear: isSet ' + flag.isSet());
  return outcome(flag.wait({ timeout: 30 })).then(function (o) {
    line('wait with timeout 30 and no set: ' + o + ', hasWaiters ' + flag.hasWaiters());
  });
});
step(function () {
  var calls = 0;
  flag.onwait = function () {
    calls++;
  };
  var p = flag.wait();
  line('waiting: hasWaiters ' + flag.hasWaiters() + ' onwait calls ' + calls);
  return outcome(flag.wait()).then(function (o) {
    line('second concurrent wait: ' + o);
    setTimeout(function () {
      flag.set();
      flag.set();
    }, 10);
    return p;
  }).then(function () {
    flag.onwait = null;
    line('woken by two sets from a timer: isSet ' + flag.isSet() + ' hasWaiters ' + flag.hasWaiters());
    return outcome(flag.wait({ timeout: 30 }));
  }).then(function (o) {
    line('the second set was kept for the next wait: next wait ' + o);
  });
});
step(function () {
  var p = flag.wait();
  return flag.wait().then(null, function (e) {
    line('FlagInUse: ' + describeError(e, T.FlagInUse));
    flag.set();
    return p;
  });
});
step(function () {
  var ac = new T.AbortController();
  var p = flag.wait({ signal: ac.signal, timeout: 5000 });
  ac.abort('stop');
  return p.then(null, function (e) {
    line('aborted wait: ' + describeError(e, T.AbortError) + ', reason ' + e.reason + ', hasWaiters ' + flag.hasWaiters());
  });
});
step(function () {
  var ac = new T.AbortController();
  ac.abort();
  flag.set();
  return outcome(flag.wait({ signal: ac.signal })).then(function (o) {
    line('wait with an already aborted signal: ' + o + ', the set is kept: isSet ' + flag.isSet());
    flag.clear();
  });
});
step(function () {
  try {
    flag.wait({ timeout: -1 });
  } catch (e) {
    line('timeout -1: ' + describeError(e, TypeError));
  }
  try {
    flag.wait(5);
  } catch (e) {
    line('options 5: ' + describeError(e, TypeError));
  }
  try {
    flag.wait({ signal: {} });
  } catch (e) {
    line('signal {}: ' + (e instanceof TypeError) + ' ' + e.message);
  }
});
run();
