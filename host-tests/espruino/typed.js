// ThreadSafeQueue on every TypedArray kind Espruino has (no ArrayBuffer.isView there, no
// constructor.name, no BigInt64Array): [kind, a value it holds, one it would change].
var KINDS = [
  ['Int8Array', -128, 128], ['Uint8Array', 255, -1], ['Uint8ClampedArray', 255, 256], ['Int16Array', -32768, 70000],
  ['Uint16Array', 65535, 65536], ['Int32Array', -2147483648, 2147483648], ['Uint32Array', 4294967295, -1],
  ['Float32Array', 0.5, 0.1], ['Float64Array', 0.1, NaN],
];
var G = this;
step(function () {
  var all = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
    'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];
  var have = [];
  for (var i = 0; i < all.length; i++) if (typeof G[all[i]] === 'function') have.push(all[i]);
  line('kinds: ' + have.join(','));
  line('typeof ArrayBuffer.isView ' + typeof ArrayBuffer.isView);
});
function kindStep(k) {
  var name = k[0], good = k[1], bad = k[2];
  step(function () {
    var q = new T.ThreadSafeQueue(new G[name](4));
    q.putSync(good);
    q.putSync(1);
    q.putSync(0);
    var full;
    try {
      q.putSync(2);
    } catch (e) {
      full = e.name;
    }
    line(name + ': maxsize ' + q.maxsize() + ', 3 putSync then ' + full + ', got ' + q.getSync() + ',' + q.getSync() + ',' + q.getSync());
    var ring = '';
    for (var i = 0; i < 10; i++) {
      q.putSync(i % 2); // round the ring three times
      ring += q.getSync();
    }
    var errs = [];
    try {
      q.putSync(bad);
    } catch (e) {
      errs.push(e.name + ' ' + (e instanceof TypeError));
    }
    try {
      q.putSync('1');
    } catch (e) {
      errs.push('TypeError ' + (e instanceof TypeError));
    }
    try {
      q.putSync(1, true);
    } catch (e) {
      errs.push('block ' + (e instanceof TypeError));
    }
    line(name + ': ring ' + ring + '; ' + bad + ' -> ' + errs.join(', ') + '; qsize ' + q.qsize() + ' empty ' + q.empty());
    var g = q.get();
    var put = q.put(good);
    return g.then(function (v) {
      line(name + ': a waiting get resolved ' + (v === good) + ' hasWaiters ' + q.hasWaiters());
      return put;
    }).then(function () {
      return outcome(q.put(bad));
    }).then(null, function (e) {
      return 'threw ' + e.name;
    }).then(function (o) {
      q.putSync(good);
      q.close();
      return q.next().then(function (r) {
        line(name + ': put(' + bad + ') ' + o + '; after close next ' + (r.value === good) + ' ' + r.done);
        return q.next();
      });
    }).then(function (r) {
      line(name + ': drained: done ' + r.done + ' closed ' + q.closed());
    });
  });
}
for (var ki = 0; ki < KINDS.length; ki++) kindStep(KINDS[ki]);
step(function () {
  var q = new T.ThreadSafeQueue(new Int16Array(3));
  try {
    q.putSync(70000);
  } catch (e) {
    line('Int16Array message: ' + e.message);
  }
  try {
    q.putSync('x');
  } catch (e) {
    line('Int16Array message: ' + e.message);
  }
  try {
    new T.ThreadSafeQueue(new Uint8Array(1));
  } catch (e) {
    line('Uint8Array(1): ' + describeError(e, TypeError));
  }
});
run();
