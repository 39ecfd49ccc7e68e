// Heap after load of a program that imports only ThreadSafeFlag (host-tests/firmware/heap.test.mjs).
import { ThreadSafeFlag } from 'threadsafe';

const flag = new ThreadSafeFlag();
flag.wait().then(function () {
  console.log('USED flag');
});
flag.set();
