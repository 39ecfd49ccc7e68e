// The hand-written peer of heap-programs/flag.ts: the smallest flag a user would write (one
// waiter, a bit, no options, no checks), used once the same way.
var handFlag = { state: false, resolve: null };
function handSet() {
  var r = handFlag.resolve;
  if (r !== null) {
    handFlag.resolve = null;
    r();
  } else handFlag.state = true;
}
function handWait() {
  if (handFlag.state) {
    handFlag.state = false;
    return Promise.resolve();
  }
  return new Promise(function (r) {
    handFlag.resolve = r;
  });
}
handWait().then(function () {
  console.log('USED hand-flag');
});
handSet();
