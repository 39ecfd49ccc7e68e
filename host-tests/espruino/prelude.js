// Prepended to every acceptance program of the Espruino tier (after dist/threadsafe.js).
// ES5 only, and nothing used before the line that declares it (Espruino does not hoist).
// A program registers steps with step(fn); each step prints its checks with line(...) and may
// return a promise; run() runs them in order, then prints DONE and quits.
var T = threadsafe;
var steps = [];
function line(text) {
  print(text);
}
function step(fn) {
  steps.push(fn);
}
// "QueueFull true true QueueFull: msg": the class check, instanceof Error, name, printed form.
function describeError(e, C) {
  return (C ? e instanceof C : '-') + ' ' + (e instanceof Error) + ' ' + e.name + ' ' + String(e);
}
function run() {
  var i = 0;
  function next() {
    if (i === steps.length) {
      print('DONE');
      quit();
      return;
    }
    var r;
    try {
      r = steps[i++]();
    } catch (e) {
      print('step ' + i + ' threw ' + e);
    }
    Promise.resolve(r).then(next, function (e) {
      print('step ' + i + ' rejected ' + e);
      next();
    });
  }
  next();
}
// A promise settled after ms milliseconds (the tier's only clock).
function sleep(ms) {
  return new Promise(function (resolve) {
    setTimeout(resolve, ms);
  });
}
// How a promise settled, as one word: "resolved <value>" or "rejected <name>".
function outcome(p) {
  return p.then(function (v) {
    return 'resolved ' + v;
  }, function (e) {
    return 'rejected ' + e.name;
  });
}
