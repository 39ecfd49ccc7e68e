// fetchFirmware(): the firmware and the bootrom downloaded, sha256-checked and cached, here
// from a local HTTP server in place of the release hosts (no machine here reaches them).
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cacheDir, fetchFirmware, FILES } from '../../scripts/emulator/fetch.mjs';
import { emulate, findFirmwareFiles } from '../../scripts/emulator/index.mjs';
import { KALUMA, whyNoKaluma } from './helpers.mjs';

const test = suite('fetchFirmware');
const served = new Map(); // name -> Buffer
const hits = [];
let server, baseUrl, dir;

test.before(async () => {
  server = createServer((req, res) => {
    const name = decodeURIComponent(req.url.slice(1));
    hits.push(name);
    if (!served.has(name)) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(served.get(name));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});
test.after(() => server.close());
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'threadsafe-fetch-'));
  served.clear();
  hits.length = 0;
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('a file whose sha256 is not the pinned one is refused with both hashes and not cached', async () => {
  served.set(FILES.bootrom, Buffer.alloc(16384, 1));
  try {
    await fetchFirmware({ dest: dir, baseUrl });
    assert.unreachable('it accepted a wrong file');
  } catch (e) {
    assert.match(e.message, new RegExp(`sha256 [0-9a-f]{64}, expected ${FILES.bootromSha256}`));
  }
  assert.not.ok(existsSync(join(dir, FILES.bootrom)));
});

test('a file the server does not have fails with its URL and the status', async () => {
  try {
    await fetchFirmware({ dest: dir, baseUrl });
    assert.unreachable();
  } catch (e) {
    assert.match(e.message, new RegExp(`${baseUrl}/${FILES.bootrom} answered 404`));
  }
});

test('a host that cannot be reached fails saying how to get the file by hand', async () => {
  try {
    await fetchFirmware({ dest: dir, baseUrl: 'http://127.0.0.1:9' });
    assert.unreachable();
  } catch (e) {
    assert.match(e.message, /cannot download .*download it by hand, check its sha256 is [0-9a-f]{64}/);
  }
});

test('the cache is $THREADSAFE_CACHE, else ~/.cache/threadsafe', () => {
  const old = process.env.THREADSAFE_CACHE;
  process.env.THREADSAFE_CACHE = '/tmp/some-cache';
  assert.is(cacheDir(), '/tmp/some-cache');
  delete process.env.THREADSAFE_CACHE;
  assert.match(cacheDir(), /\.cache\/threadsafe$/);
  if (old !== undefined) process.env.THREADSAFE_CACHE = old;
});

test('emulate() with no files given and none cached says how to get them', async () => {
  const saved = { c: process.env.THREADSAFE_CACHE, f: process.env.KALUMA_FIRMWARE, b: process.env.RP2040_BOOTROM };
  process.env.THREADSAFE_CACHE = dir;
  delete process.env.KALUMA_FIRMWARE;
  delete process.env.RP2040_BOOTROM;
  try {
    await emulate({ code: '' });
    assert.unreachable();
  } catch (e) {
    assert.match(e.message, /no firmware given and none found: pass firmware: PATH, set KALUMA_FIRMWARE, or run `threadsafe fetch-firmware`/);
  } finally {
    for (const [k, v] of [['THREADSAFE_CACHE', saved.c], ['KALUMA_FIRMWARE', saved.f], ['RP2040_BOOTROM', saved.b]]) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('bad target is refused', async () => {
  try {
    await fetchFirmware({ target: 'micropython', dest: dir, baseUrl });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, RangeError);
    assert.match(e.message, /target must be 'kaluma' or 'espruino'/);
  }
});

const why = whyNoKaluma();
if (why) {
  console.log(`  fetchFirmware with the real files: skipped: ${why}`);
} else {
  test('the Kaluma .uf2 and the bootrom are downloaded once, checked and cached; a second call downloads nothing', async () => {
    served.set(FILES.kaluma.firmware, readFileSync(KALUMA.uf2));
    served.set(FILES.bootrom, readFileSync(KALUMA.bootrom));
    const r = await fetchFirmware({ dest: dir, baseUrl });
    assert.equal(r.fetched.sort(), [FILES.bootrom, FILES.kaluma.firmware].sort());
    assert.is(r.firmware, join(dir, FILES.kaluma.firmware));
    assert.ok(readFileSync(r.firmware).equals(readFileSync(KALUMA.uf2)));
    assert.ok(readFileSync(r.bootrom).equals(readFileSync(KALUMA.bootrom)));
    hits.length = 0;
    const again = await fetchFirmware({ dest: dir, baseUrl });
    assert.equal(again.fetched, []);
    assert.equal(hits, [], 'nothing was asked of the server');
    // emulate() takes what is cached when given no files
    const old = process.env.THREADSAFE_CACHE;
    process.env.THREADSAFE_CACHE = dir;
    try {
      assert.equal(findFirmwareFiles(), { firmware: r.firmware, bootrom: r.bootrom });
    } finally {
      if (old === undefined) delete process.env.THREADSAFE_CACHE;
      else process.env.THREADSAFE_CACHE = old;
    }
  });

  test('Espruino: the bootrom is fetched, and the firmware, which is in no release, is asked for by hand', async () => {
    served.set(FILES.bootrom, readFileSync(KALUMA.bootrom));
    try {
      await fetchFirmware({ target: 'espruino', dest: dir, baseUrl });
      assert.unreachable();
    } catch (e) {
      assert.match(e.message, /in no release yet.*make BOARD=RP2040_PICO/);
    }
    assert.ok(existsSync(join(dir, FILES.bootrom)));
  });
}

test.run();
