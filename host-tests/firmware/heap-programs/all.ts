// Heap after load of a program that uses the three primitives and InterruptSource once each
// (host-tests/firmware/heap.test.mjs).
import { ThreadSafeEvent, ThreadSafeFlag, ThreadSafeQueue } from 'threadsafe';
import { InterruptSource } from 'threadsafe/kaluma';

const flag = new ThreadSafeFlag();
const evt = new ThreadSafeEvent();
const q = new ThreadSafeQueue<number>(new Array(8));
pinMode(2, INPUT_PULLDOWN);
const src = new InterruptSource(2, q, { events: RISING });
flag.wait().then(function () {
  evt.set();
});
evt.wait().then(function () {
  q.putSync(1);
});
q.get().then(function (v) {
  src.detach();
  console.log('USED all ' + v);
});
flag.set();
