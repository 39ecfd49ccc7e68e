// Heap after load of a program that imports only ThreadSafeEvent (host-tests/firmware/heap.test.mjs).
import { ThreadSafeEvent } from 'threadsafe';

const evt = new ThreadSafeEvent();
evt.wait().then(function () {
  console.log('USED event');
});
evt.set();
