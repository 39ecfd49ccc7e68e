// WatchSource and TimerSource on the chip (after dist/threadsafe.js and dist/threadsafe-espruino.js).
// Every source is made at load on its own pin; the test drives the pins at exact times (see
// watch-source.test.mjs) and this program prints what arrived 2 s after load, then DONE.
var T = threadsafe, S = threadsafeEspruino;
function err(f) {
  try { f(); return 'no error'; } catch (e) { return (e instanceof TypeError ? 'TypeError ' : '') + e.name + ': ' + e.message; }
}
[2, 3, 4, 5, 6, 7, 8, 9].forEach(function (p) { pinMode(p, 'input'); });

// GP2: a queue of (state, time, index) records, both edges; the consumer takes them with next()
var q2 = new T.ThreadSafeQueue(new Array(8)), got2 = [];
var w2 = new S.WatchSource(D2, q2, { record: function (state, time, index) { return [state, time, index]; } });
function consume2() { q2.next().then(function (r) { got2.push(r.value); consume2(); }); }
consume2();

// GP3: the default item (e.time) into a Float64Array queue, rising edges only
var q3 = new T.ThreadSafeQueue(new Float64Array(8));
var w3 = new S.WatchSource(D3, q3, { edge: 'rising' });

// GP4: a ThreadSafeEvent on a bouncing falling edge, debounce 20 ms
var e4 = new T.ThreadSafeEvent(), woke4 = 0;
var w4 = new S.WatchSource(D4, e4, { edge: 'falling', debounce: 20 });
e4.wait().then(function () { woke4 = getTime(); });

// GP5: a full queue: 5 edges into a queue of 2 slots for items, nobody consuming
var q5 = new T.ThreadSafeQueue(new Array(3));
var w5 = new S.WatchSource(D5, q5);

// GP6: a closed queue detaches the source
var q6 = new T.ThreadSafeQueue(new Array(4));
var w6 = new S.WatchSource(D6, q6);

// GP7: 1000 edges at 20 kHz into a ThreadSafeFlag: Espruino's event FIFO overflows
var f7 = new T.ThreadSafeFlag(), woke7 = 0;
var w7 = new S.WatchSource(D7, f7);
function wait7() { f7.wait().then(function () { woke7++; wait7(); }); }
wait7();

// GP9: a ThreadSafeMessage gets each edge's record as its data
var m9 = new T.ThreadSafeMessage(), got9 = 'nothing';
var w9 = new S.WatchSource(D9, m9, { record: function (state, time, index) { return (state ? 'high' : 'low') + index; } });
m9.wait().then(function (v) { got9 = v; });

// a TimerSource into a queue, every 20 ms, stopped after 5 ticks
var qt = new T.ThreadSafeQueue(new Array(8)), ts;

print('bad pin: ' + err(function () { new S.WatchSource('D9', e4); }));
print('pin 40: ' + err(function () { new S.WatchSource(40, e4); }));
print('edge: ' + err(function () { new S.WatchSource(D8, e4, { edge: 'up' }); }));
print('debounce: ' + err(function () { new S.WatchSource(D8, e4, { debounce: -1 }); }));
print('option: ' + err(function () { new S.WatchSource(D8, e4, { events: 4 }); }));
print('target: ' + err(function () { new S.WatchSource(D8, {}); }));
print('without new: ' + err(function () { S.WatchSource(D8, e4); }));

// GP8 rising (50 ms after load): the timeline starts, so that it does not depend on load time
var start = setWatch(function () {
  ts = new S.TimerSource(qt, 20);
  setTimeout(function () { ts.stop(); }, 110);
  setTimeout(function () { q6.close(); }, 250);
  setTimeout(report, 1950);
}, D8, { edge: 'rising' });

function report() {
  print('GP2 states ' + got2.map(function (r) { return r[0]; }).join(',') + ' indexes ' + got2.map(function (r) { return r[2]; }).join(','));
  print('GP2 ms between edges ' + got2.slice(1).map(function (r, i) { return ((r[1] - got2[i][1]) * 1000).toFixed(1); }).join(','));
  print('GP2 seen ' + w2.seen() + ' dropped ' + w2.dropped());
  var b3 = new Array(8), n3 = q3.getManySync(b3);
  print('GP3 ' + n3 + ' rising edges, ms apart ' + ((b3[1] - b3[0]) * 1000).toFixed(1) + ',' + ((b3[2] - b3[1]) * 1000).toFixed(1));
  print('GP4 seen ' + w4.seen() + ' isSet ' + e4.isSet() + ' woke ' + (woke4 > 0));
  print('GP5 seen ' + w5.seen() + ' dropped ' + w5.dropped() + ' qsize ' + q5.qsize() + ' lastError ' + (w5.lastError() && w5.lastError().name));
  print('GP6 seen ' + w6.seen() + ' dropped ' + w6.dropped() + ' attached ' + w6.attached() + ' qsize ' + q6.qsize() + ' lastError ' + (w6.lastError() && w6.lastError().name));
  print('GP7 seen<1000 ' + (w7.seen() < 1000) + ' overruns>=1 ' + (w7.overruns() >= 1) + ' woke ' + (woke7 > 0) + ' flags now ' + JSON.stringify(E.getErrorFlags()));
  print('overruns on every attached source: GP2 ' + (w2.overruns() === w7.overruns()) + ', GP6 (detached before) ' + w6.overruns());
  print('GP9 woke with ' + got9 + ', value ' + m9.value() + ', seen ' + w9.seen());
  var bt = new Array(8), nt = qt.getManySync(bt);
  print('timer ticks ' + ts.ticks() + ' running ' + ts.running() + ' items ' + bt.slice(0, nt).join(','));
  w2.detach();
  w2.detach();
  print('detach twice: attached ' + w2.attached());
  print('DONE');
}
