// ThreadSafeQueue on an Array buffer on Espruino: every public member, close, abort, timeouts.
var Q = T.ThreadSafeQueue;
var q = new Q(new Array(4));
step(function () {
  line('new on Array(4): maxsize ' + q.maxsize() + ' qsize ' + q.qsize() + ' empty ' + q.empty() + ' full ' + q.full() +
    ' closed ' + q.closed() + ' hasWaiters ' + q.hasWaiters() + ' onwait ' + q.onwait);
  line('no Symbol here: typeof Symbol ' + typeof Symbol);
  q.putSync('a');
  q.putSync('b');
  q.putSync('c');
  line('three putSync: qsize ' + q.qsize() + ' full ' + q.full() + ' empty ' + q.empty());
  try {
    q.putSync('d');
  } catch (e) {
    line('putSync on a full queue: ' + describeError(e, T.QueueFull) + '; qsize ' + q.qsize());
  }
  var first = q.getSync();
  return outcome(q.put('d')).then(function (o) {
    line('getSync ' + first + ', then put on the freed slot: ' + o + ', qsize ' + q.qsize());
    var p = q.put('e');
    line('put on a full queue waits: qsize ' + q.qsize());
    setTimeout(function () {
      line('getSync from a timer: ' + q.getSync());
    }, 10);
    return p;
  }).then(function () {
    line('the waiting put went in: qsize ' + q.qsize() + ' full ' + q.full());
    var got = [q.getSync(), q.getSync(), q.getSync()];
    line('getSync x3: ' + got.join(',') + ' empty ' + q.empty());
    try {
      q.getSync();
    } catch (e) {
      line('getSync on an empty queue: ' + describeError(e, T.QueueEmpty));
    }
  });
});
step(function () {
  var calls = 0;
  q.onwait = function () {
    calls++;
  };
  var g = q.get();
  line('get on an empty queue waits: hasWaiters ' + q.hasWaiters() + ' onwait calls ' + calls);
  setTimeout(function () {
    q.putSync('from timer');
  }, 10);
  return g.then(function (v) {
    line('get resolved with ' + v + '; hasWaiters ' + q.hasWaiters() + ' qsize ' + q.qsize());
    var n = q.next();
    line('next on an empty queue waits: onwait calls ' + calls);
    q.onwait = null;
    q.putSync(42);
    return n;
  }).then(function (r) {
    line('next resolved with value ' + r.value + ' done ' + r.done);
    q.putSync('ready');
    return q.next();
  }).then(function (r) {
    line('next on a queue with an item: value ' + r.value + ' done ' + r.done);
  });
});
step(function () {
  return outcome(q.get({ timeout: 20 })).then(function (o) {
    line('get with timeout 20: ' + o + '; hasWaiters ' + q.hasWaiters());
    q.putSync('after timeout');
    line('the timed-out get took nothing: getSync ' + q.getSync());
    var ac = new T.AbortController();
    var p = outcome(q.get({ signal: ac.signal }));
    ac.abort();
    return p;
  }).then(function (o) {
    line('get aborted: ' + o + '; hasWaiters ' + q.hasWaiters());
    q.putSync(1);
    q.putSync(2);
    q.putSync(3);
    var ac = new T.AbortController();
    var p = outcome(q.put(4, { signal: ac.signal }));
    ac.abort();
    return p;
  }).then(function (o) {
    line('put on a full queue aborted: ' + o + '; items ' + q.getSync() + ',' + q.getSync() + ',' + q.getSync() + ' empty ' + q.empty());
    return outcome(q.put(9, { timeout: 0 }));
  }).then(function (o) {
    line('put with timeout 0 on a free slot: ' + o + '; getSync ' + q.getSync());
  });
});
step(function () {
  try {
    q.putSync(1, true);
  } catch (e) {
    line('putSync block=true: ' + (e instanceof TypeError) + ' ' + e.message.slice(0, 60));
  }
  try {
    q.getSync(true);
  } catch (e) {
    line('getSync block=true: ' + (e instanceof TypeError) + ' ' + e.message.slice(0, 60));
  }
  try {
    q.putSync(1, 'yes');
  } catch (e) {
    line('putSync block="yes": ' + (e instanceof TypeError) + ' ' + e.message);
  }
  line('putSync block=false works: ' + (q.putSync(5, false) === undefined) + ' getSync(false) ' + q.getSync(false));
  var bad = ['abc', { length: 3 }, new DataView(new ArrayBuffer(8)), undefined, null];
  for (var i = 0; i < bad.length; i++) {
    try {
      new Q(bad[i]);
    } catch (e) {
      line('new ThreadSafeQueue(bad): ' + (e instanceof TypeError) + ' ' + e.message);
    }
  }
  try {
    new Q([0]);
  } catch (e) {
    line('new ThreadSafeQueue([0]): ' + describeError(e, TypeError));
  }
});
step(function () {
  var c = new Q([0, 0, 0]);
  c.putSync('x');
  c.putSync('y');
  var waitingPut = outcome(c.put('z'));
  c.close();
  c.close();
  line('closed: closed ' + c.closed() + ' qsize ' + c.qsize());
  try {
    c.putSync('w');
  } catch (e) {
    line('putSync after close: ' + describeError(e, T.QueueClosed));
  }
  return waitingPut.then(function (o) {
    line('the put waiting at close: ' + o);
    return outcome(c.put('w'));
  }).then(function (o) {
    line('put after close: ' + o);
    return c.next();
  }).then(function (r) {
    line('drain after close: next ' + r.value + ' ' + r.done + ', getSync ' + c.getSync() + ', empty ' + c.empty());
    try {
      c.getSync();
    } catch (e) {
      line('getSync on a closed empty queue: ' + e.name);
    }
    return outcome(c.get());
  }).then(function (o) {
    line('get on a closed empty queue: ' + o);
    return c.next();
  }).then(function (r) {
    line('next on a closed empty queue: value ' + r.value + ' done ' + r.done);
  });
});
step(function () {
  var c = new Q([0, 0]);
  var g = outcome(c.get());
  var n = new Q([0, 0]);
  var it = n.next();
  c.close();
  n.close();
  return g.then(function (o) {
    line('a get waiting at close: ' + o);
    return it;
  }).then(function (r) {
    line('a next waiting at close: done ' + r.done + '; hasWaiters ' + n.hasWaiters());
  });
});
run();
