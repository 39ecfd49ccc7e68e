// fetchFirmware({ target, dest, baseUrl }): the Kaluma firmware and the RP2040 bootrom from their
// official release pages, sha256-checked, cached (dest, else $THREADSAFE_CACHE, else
// ~/.cache/threadsafe). Resolves { firmware, bootrom, dir, fetched: [names downloaded now] }.
//
// The bootrom is never shipped with the project: pico-bootrom is BSD-3-Clause except its float
// routines (mufplib), licensed for use on RP2040 devices only, else GPLv2. The user fetches it.
// By hand: download both URLs below, check the sha256, and pass them as --firmware/--bootrom
// (or KALUMA_FIRMWARE / RP2040_BOOTROM).
//
// The pinned sha256 are those of the maintainers' copies of these files (the .uf2 of Kaluma 1.2.1
// for the Pico and the raw 16 KB B1 bootrom); they are not yet confirmed against the files the
// release pages serve, since no machine this was written on reaches those hosts: a mismatch
// fails with both hashes, and the file is not cached.
//
// baseUrl (tests: a local HTTP server) replaces the hosts: files are fetched as baseUrl + '/' + name.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const FILES = {
  kaluma: {
    firmware: 'kaluma-rp2-pico-1.2.1.uf2',
    url: 'https://github.com/kaluma-project/kaluma/releases/download/1.2.1/kaluma-rp2-pico-1.2.1.uf2',
    sha256: 'bf1ffc6bd64a9636c75c559761b04ce617d07e626cf069a4ecc15920ba2e8443',
  },
  espruino: {
    firmware: 'espruino_rp2040_pico.bin',
    url: null, // Espruino's RP2040 port is upstream but in no release yet: build it (make BOARD=RP2040_PICO)
    sha256: null,
  },
  bootrom: 'bootrom-b1.bin',
  bootromUrl: 'https://github.com/raspberrypi/pico-bootrom-rp2040/releases/download/b1/b1.bin',
  bootromSha256: '90b31e108faedfa6bbcfcc33ba05dac61e645108cfbbdc385f8dafc71fde44ae',
};

export function cacheDir() {
  return resolve(process.env.THREADSAFE_CACHE || join(homedir(), '.cache', 'threadsafe'));
}

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

async function download(url, name, expected, dir, fetched) {
  const path = join(dir, name);
  if (existsSync(path) && sha256(readFileSync(path)) === expected) return path;
  let res;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (e) {
    throw new Error(`fetch-firmware: cannot download ${url} (${e.cause?.code || e.message}); download it by hand, check its sha256 is ${expected}, and pass its path`);
  }
  if (!res.ok) throw new Error(`fetch-firmware: ${url} answered ${res.status} ${res.statusText}`);
  const body = Buffer.from(await res.arrayBuffer());
  const got = sha256(body);
  if (got !== expected) throw new Error(`fetch-firmware: ${url} has sha256 ${got}, expected ${expected}: not cached (a different file than the one this version checks)`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path + '.part', body);
  renameSync(path + '.part', path);
  fetched.push(name);
  return path;
}

export async function fetchFirmware({ target = 'kaluma', dest, baseUrl } = {}) {
  if (target !== 'kaluma' && target !== 'espruino') throw new RangeError(`fetchFirmware: target must be 'kaluma' or 'espruino', not ${JSON.stringify(target)}`);
  const dir = resolve(dest || cacheDir());
  const fetched = [];
  const url = (u, name) => (baseUrl ? `${baseUrl.replace(/\/$/, '')}/${name}` : u);
  const bootrom = await download(url(FILES.bootromUrl, FILES.bootrom), FILES.bootrom, FILES.bootromSha256, dir, fetched);
  const f = FILES[target];
  if (!f.url) {
    const firmware = join(dir, f.firmware);
    if (!existsSync(firmware)) {
      throw new Error(`fetch-firmware: Espruino's RP2040 port is in no release yet, so there is nothing to download: build it from espruino/Espruino (make BOARD=RP2040_PICO) and pass the .bin with --firmware (or put it at ${firmware}); the bootrom is at ${bootrom}`);
    }
    return { firmware, bootrom, dir, fetched };
  }
  const firmware = await download(url(f.url, f.firmware), f.firmware, f.sha256, dir, fetched);
  return { firmware, bootrom, dir, fetched };
}
