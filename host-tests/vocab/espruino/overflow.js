// The overflow policies of ThreadSafeQueue on Espruino.
step(function () {
  var n = new T.ThreadSafeQueue(new Array(4), { overflow: 'drop-newest' });
  var o = new T.ThreadSafeQueue(new Array(4), { overflow: 'drop-oldest' });
  for (var i = 0; i < 6; i++) {
    n.putSync(i);
    o.putSync(i);
  }
  var a = [];
  var b = [];
  while (!n.empty()) a.push(n.getSync());
  while (!o.empty()) b.push(o.getSync());
  line('drop-newest ' + a.join(',') + ' dropped ' + n.dropped() + '; drop-oldest ' + b.join(',') + ' dropped ' + o.dropped());
  var m = o.putManySync([10, 11, 12, 13, 14]);
  b = [];
  while (!o.empty()) b.push(o.getSync());
  line('putManySync ' + m + ' -> ' + b.join(',') + ' dropped ' + o.dropped() + ' policy ' + o.overflow());
  return o.put(1).then(function () {
    line('put on a drop-oldest queue resolved; qsize ' + o.qsize());
  });
});
run();
