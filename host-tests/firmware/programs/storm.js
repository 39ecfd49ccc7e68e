// Storm: rising edges on GP2 at 4 kHz (the test's pin script) while the main loop allocates
// every millisecond; InterruptSource -> ThreadSafeQueue -> consumer. A 10 ms setInterval counts
// its calls (the main loop must keep running). Prints READY, then at the end one line of counters.
var ThreadSafeQueue = threadsafe.ThreadSafeQueue;
var InterruptSource = threadsafeKaluma.InterruptSource;
var PIN = 2;
pinMode(PIN, INPUT_PULLDOWN);
var SLOTS = typeof STORM_SLOTS === 'number' ? STORM_SLOTS : 64;
var TYPED = typeof STORM_TYPED === 'boolean' && STORM_TYPED; // a Uint16Array queue and batch
var q = new ThreadSafeQueue(TYPED ? new Uint16Array(SLOTS) : new Array(SLOTS));
var src = new InterruptSource(PIN, q, { events: RISING });
var got = 0;
var ticks = 0;
var junk = null;
var MODE = typeof STORM_MODE === 'string' ? STORM_MODE : 'next';
var batch = TYPED ? new Uint16Array(SLOTS) : new Array(SLOTS);
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
  // pending first, recorded last: an edge that lands between the reads can only make recorded()
  // larger than delivered + dropped + pending, never smaller (the test allows for that).
  var ms = millis() - t0;
  var pending = src.pending(), delivered = src.delivered(), dropped = src.dropped(), recorded = src.recorded();
  console.log('T ' + ms + ' ticks ' + ticks + ' got ' + got + ' queued ' + q.qsize() + ' delivered ' + delivered +
    ' dropped ' + dropped + ' pending ' + pending + ' recorded ' + recorded + ' overruns ' + src.overruns());
}, 500);
console.log('READY');
