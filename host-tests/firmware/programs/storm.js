// Storm: rising edges on GP2 at 4 kHz (the test's pin script) while the main loop allocates
// every millisecond; InterruptSource -> ThreadSafeQueue -> consumer. A 10 ms setInterval counts
// its calls (the main loop must keep running). Prints READY, then at the end one line of counters.
var ThreadSafeQueue = threadsafe.ThreadSafeQueue;
var InterruptSource = threadsafeKaluma.InterruptSource;
var PIN = 2;
pinMode(PIN, INPUT_PULLDOWN);
var q = new ThreadSafeQueue(new Array(64));
var src = new InterruptSource(PIN, q, { events: RISING });
var got = 0;
var ticks = 0;
var junk = null;
var MODE = typeof STORM_MODE === 'string' ? STORM_MODE : 'next';
var batch = new Array(64);
function consumeNext() {
  q.next().then(function (r) {
    if (r.done) return;
    got++;
    consumeNext();
  });
}
function consumeBatch() {
  q.ready().then(function () {
    got += q.getManySync(batch);
    consumeBatch();
  });
}
if (MODE === 'batch') consumeBatch(); else consumeNext();
setInterval(function () { junk = [{ a: 1 }, { b: 2 }, 'x' + ticks]; }, 1);
setInterval(function () { ticks++; }, 10);
var t0 = millis();
setInterval(function () {
  var ms = millis() - t0;
  console.log('T ' + ms + ' ticks ' + ticks + ' got ' + got + ' recorded ' + src.recorded() + ' delivered ' + src.delivered() +
    ' dropped ' + src.dropped() + ' pending ' + src.pending() + ' overruns ' + src.overruns() + ' queued ' + q.qsize());
}, 500);
console.log('READY');
