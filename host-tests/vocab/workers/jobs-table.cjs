// The jobs every Context test worker serves (jobs.cjs and jobs.mjs serve this table).
const nap = new Int32Array(new SharedArrayBuffer(4));
const ran = [];
const jobs = {
  echo: (x) => x,
  add: (a, b) => a + b,
  fib: function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); },
  fail: (msg) => { throw new TypeError(msg); },
  failPlain: () => { throw 'a string'; },
  sleep: (ms, tag) => { Atomics.wait(nap, 0, 0, ms); ran.push(tag); return tag; }, // blocks the worker
  mark: (tag) => { ran.push(tag); return tag; },
  ran: () => ran.slice(),
  later: (x) => new Promise((resolve) => setTimeout(() => resolve(x * 2), 10)),
  unclonable: () => () => 1,
  exit: (code) => process.exit(code),
};
module.exports = jobs;
