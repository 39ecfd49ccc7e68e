// Heap after load of a program that imports only ThreadSafeQueue (host-tests/firmware/heap.test.mjs).
import { ThreadSafeQueue } from 'threadsafe';

const q = new ThreadSafeQueue<number>(new Uint16Array(8));
q.get().then(function (v) {
  console.log('USED queue ' + v);
});
q.putSync(7);
