// The two examples of micropython-async's THREADING.md (v3/docs, §3.1 and §2.2.3), ported
// line by line and run on virtual time (@sinonjs/fake-timers): fast and deterministic.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILDS, withClock } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeEvent, ThreadSafeQueue, AbortError, QueueFull, QueueClosed } = lib;
  const test = suite(`THREADING.md examples on virtual time: ${name}`);

  /** THREADING.md's ThreadSafeEvent demo (§3.1): four waiters, one cancelled after 100 ms in rotation, a 1 s "interrupt". */
  async function eventDemo(rounds, print) {
    async function waiter(n, evt, signal) {
      try {
        await evt.wait({ signal });
        print(`Waiter ${n} got event`);
      } catch (e) {
        if (!(e instanceof AbortError)) throw e;
        print(`Waiter ${n} cancelled`);
      }
    }
    function can(controller) {
      setTimeout(() => controller.abort(), 100); // the seed: sleep_ms(100); task.cancel()
    }
    const evt = new ThreadSafeEvent();
    const tim = setInterval(() => evt.set(), 1000); // THREADING.md's Timer(4, freq=1) interrupt
    let nt = 0;
    for (let r = 0; r < rounds; r++) {
      const controllers = [0, 1, 2, 3].map(() => new AbortController());
      const tasks = controllers.map((c, n) => waiter(n + 1, evt, c.signal));
      can(controllers[nt]);
      await Promise.allSettled(tasks); // asyncio.gather(*tasks, return_exceptions=True)
      evt.clear();
      print('Cleared event');
      nt = (nt + 1) % 4;
    }
    clearInterval(tim);
  }

  test('ThreadSafeEvent demo: each second three waiters get the event, the fourth (in rotation) was cancelled at 100 ms, then "Cleared event"', () =>
    withClock(async (clock) => {
      const lines = [];
      const print = (s) => lines.push(`${String(Date.now()).padStart(4)} ${s}`);
      const done = eventDemo(8, print);
      await clock.tickAsync(8000);
      await done;
      const expected = [];
      for (let r = 0; r < 8; r++) {
        const nt = r % 4;
        expected.push(`${String(r * 1000 + 100).padStart(4)} Waiter ${nt + 1} cancelled`);
        for (let n = 1; n <= 4; n++) if (n !== nt + 1) expected.push(`${String((r + 1) * 1000).padStart(4)} Waiter ${n} got event`);
        expected.push(`${String((r + 1) * 1000).padStart(4)} Cleared event`);
      }
      assert.equal(lines, expected);
      assert.is(clock.countTimers(), 0, 'no timer of a cancelled waiter or of the demo is left');
    }));

  /**
   * THREADING.md's echo example (§2.2.3): `sender` puts consecutive integers on a 10-slot queue; the
   * "core 2" side (here a 30 ms setInterval callback, which must not block) drains it with
   * getSync while qsize() and echoes with putSync, keeping what does not fit for the next
   * tick; the consumer reads the echo with for await and checks x == n.
   */
  async function echoDemo(limit, print) {
    const toCore2 = new ThreadSafeQueue(new Array(10).fill(0));
    const fromCore2 = new ThreadSafeQueue(new Array(10).fill(0));
    const buf = [];
    const core2 = setInterval(() => {
      while (toCore2.qsize()) buf.push(toCore2.getSync()); // no exception when empty
      let i = 0;
      try {
        for (; i < buf.length; i++) fromCore2.putSync(buf[i]); // THREADING.md blocks here; we keep the rest
      } catch (e) {
        if (!(e instanceof QueueFull)) throw e;
      }
      buf.splice(0, i);
    }, 30);
    const sender = (async () => {
      let x = 0;
      try {
        for (;;) await toCore2.put(++x);
      } catch (e) {
        if (!(e instanceof QueueClosed)) throw e;
      }
    })();
    let n = 0;
    for await (const x of fromCore2) {
      if (x % 1000 === 0) print(`Received ${x} queue items.`);
      n += 1;
      assert.is(x, n);
      if (n === limit) break;
    }
    clearInterval(core2);
    toCore2.close();
    await sender;
    return n;
  }

  test('echo example: 5000 consecutive integers come back in order through two 10-slot queues, a line every 1000', () =>
    withClock(async (clock) => {
      const lines = [];
      let finished = false;
      const done = echoDemo(5000, (s) => lines.push(s)).then((n) => { finished = true; return n; });
      const start = Date.now();
      while (!finished && Date.now() - start < 60_000) await clock.tickAsync(30);
      assert.ok(finished, 'the echo finished within 60 virtual seconds');
      assert.is(await done, 5000);
      assert.equal(lines, [1, 2, 3, 4, 5].map((k) => `Received ${k * 1000} queue items.`));
      // each 30 ms tick moves at least 9 items, so 5000 items take at most ~556 ticks
      assert.ok(Date.now() - start <= Math.ceil(5000 / 9) * 30 + 60, `took ${Date.now() - start} virtual ms`);
      assert.is(clock.countTimers(), 0);
    }));

  test.run();
}
