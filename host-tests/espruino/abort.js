// The library's AbortController and AbortSignal on Espruino (which has none of its own).
step(function () {
  line('typeof AbortController here: ' + typeof AbortController);
  var ac = new T.AbortController();
  var s = ac.signal;
  line('new: signal instanceof AbortSignal ' + (s instanceof T.AbortSignal) + ' aborted ' + s.aborted + ' reason ' + s.reason +
    ' onabort ' + s.onabort);
  var log = [];
  function fn(ev) {
    log.push('fn this=signal ' + (this === s) + ' type ' + ev.type + ' target=signal ' + (ev.target === s));
  }
  var obj = {
    handleEvent: function (ev) {
      log.push('handleEvent ' + ev.type);
    },
  };
  function removed() {
    log.push('removed listener ran');
  }
  function removedDuring() {
    log.push('listener removed during abort ran');
  }
  s.addEventListener('abort', fn);
  s.addEventListener('abort', fn);
  s.addEventListener('other', removed);
  s.addEventListener('abort', obj);
  s.addEventListener('abort', removed);
  s.removeEventListener('abort', removed);
  s.removeEventListener('abort', function () {});
  s.addEventListener('abort', function () {
    log.push('remover');
    s.removeEventListener('abort', removedDuring);
    s.addEventListener('abort', removed); // added during the abort: ignored
  });
  s.addEventListener('abort', removedDuring);
  s.onabort = function (ev) {
    log.push('onabort ' + ev.type);
  };
  s.throwIfAborted();
  line('throwIfAborted before abort: returned');
  ac.abort('why');
  line('abort returned normally');
  for (var i = 0; i < log.length; i++) line(log[i]);
  line('after abort: aborted ' + s.aborted + ' reason ' + s.reason);
  try {
    s.throwIfAborted();
  } catch (e) {
    line('throwIfAborted after abort throws the reason: ' + e);
  }
  log = [];
  ac.abort('again');
  s.addEventListener('abort', fn);
  line('second abort: listeners called ' + log.length + ', reason still ' + s.reason);
});
step(function () {
  var ac = new T.AbortController();
  ac.abort();
  var r = ac.signal.reason;
  line('abort without a reason: ' + describeError(r, T.AbortError));
});
step(function () {
  var ac = new T.AbortController();
  var ran = [];
  ac.signal.addEventListener('abort', function () {
    ran.push(1);
    throw new Error('first');
  });
  ac.signal.addEventListener('abort', function () {
    ran.push(2);
    throw new Error('second');
  });
  ac.signal.onabort = function () {
    ran.push('onabort');
  };
  var evt = new T.ThreadSafeEvent();
  var p = evt.wait({ signal: ac.signal });
  try {
    ac.abort();
  } catch (e) {
    line('listeners that throw: all ran ' + ran.join(',') + '; abort rethrew the first: ' + e.message);
  }
  return outcome(p).then(function (o) {
    line('a wait on that signal: ' + o + '; hasWaiters ' + evt.hasWaiters());
  });
});
run();
