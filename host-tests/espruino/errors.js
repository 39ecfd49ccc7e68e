// The library's error classes on Espruino: instanceof, name, message, printed form.
var CLASSES = ['QueueFull', 'QueueEmpty', 'QueueClosed', 'AbortError', 'TimeoutError', 'FlagInUse'];
step(function () {
  for (var i = 0; i < CLASSES.length; i++) {
    var C = T[CLASSES[i]];
    var other = T[CLASSES[(i + 1) % CLASSES.length]];
    var e = new C('went wrong');
    line(CLASSES[i] + ': ' + describeError(e, C) + ' | instanceof ' + CLASSES[(i + 1) % CLASSES.length] + ' ' +
      (e instanceof other) + ' | message ' + e.message + ' | concat ' + ('' + e) + ' | stack ' + typeof e.stack);
    var d = new C();
    var f = C('no new');
    line(CLASSES[i] + ': default message ' + d.message + ' | without new ' + (f instanceof C) + ' ' + String(f));
  }
  var a = new T.AbortError('x');
  a.reason = 'r';
  line('AbortError reason ' + a.reason);
});
run();
