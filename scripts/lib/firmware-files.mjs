// The firmware files `emulate` and the heap figure run on, found in this order: what the user
// named (--firmware / --bootrom), the environment (KALUMA_FIRMWARE or ESPRUINO_FIRMWARE,
// RP2040_BOOTROM), the files the user put beside their program or in the folder they type the
// command in (or a `firmware/` folder in either), under the names the releases give them, the
// maintainers' copies beside a repository checkout (as in CI), then what
// `threadsafe fetch-firmware` cached. Where none is found, the message lists every place looked.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { cacheDir, FILES } from '../emulator/fetch.mjs';
import { REPO_ROOT, userCwd } from './root.mjs';

const SHARED = {
  kaluma: { dir: 'kaluma-emu', firmware: ['kaluma-rp2-pico-1.2.1.uf2', 'kaluma-rp2-pico-1.2.1.bin'], bootrom: 'bootrom-b1.bin' },
  espruino: { dir: 'espruino-rp2040', firmware: ['espruino_rp2040_pico.bin', 'espruino.uf2', 'espruino.bin'], bootrom: 'bootrom-b1.bin' },
};
/** The names a user's copy may have: as the releases publish them (the bootrom's is b1.bin) or as fetch-firmware saves them. */
export const USER_NAMES = {
  kaluma: SHARED.kaluma.firmware,
  espruino: SHARED.espruino.firmware,
  bootrom: ['bootrom-b1.bin', 'b1.bin'],
};

/** The folders a user's copies are looked for in: beside the program (`near`, a file), the folder typed in, and `firmware/` in each. */
function userFolders(near) {
  const dirs = [];
  for (const d of [near ? dirname(resolve(userCwd(), near)) : null, userCwd()]) {
    if (!d) continue;
    for (const x of [d, join(d, 'firmware')]) if (!dirs.includes(x)) dirs.push(x);
  }
  return dirs;
}

function candidates(target, kind, given, near) {
  if (given) return [resolve(userCwd(), given)];
  const env = kind === 'bootrom' ? process.env.RP2040_BOOTROM : target === 'kaluma' ? process.env.KALUMA_FIRMWARE : process.env.ESPRUINO_FIRMWARE;
  if (env) return [resolve(userCwd(), env)];
  const out = [];
  for (const d of userFolders(near)) for (const n of USER_NAMES[kind === 'bootrom' ? 'bootrom' : target]) out.push(join(d, n));
  if (REPO_ROOT) {
    const dir = join(REPO_ROOT, '..', 'shared', SHARED[target].dir);
    if (kind === 'bootrom') out.push(join(REPO_ROOT, '..', 'shared', 'kaluma-emu', SHARED[target].bootrom), join(dir, SHARED[target].bootrom));
    else out.push(...SHARED[target].firmware.map((f) => join(dir, f)));
  }
  out.push(join(cacheDir(), kind === 'bootrom' ? FILES.bootrom : FILES[target].firmware));
  return [...new Set(out)];
}

/**
 * { firmware, bootrom } for `target`, or { missing: 'why, in one line' }. `firmware`/`bootrom`:
 * paths the user gave (relative to where they typed the command); `near`: the program's file
 * (its folder is looked in too).
 */
export function firmwareFiles({ target = 'kaluma', firmware, bootrom, near } = {}) {
  const fw = candidates(target, 'firmware', firmware, near);
  const br = candidates(target, 'bootrom', bootrom, near);
  const f = fw.find((p) => existsSync(p));
  const b = br.find((p) => existsSync(p));
  if (f && b) return { firmware: f, bootrom: b };
  const missing = [];
  if (!f) missing.push(`the ${target === 'kaluma' ? 'Kaluma 1.2.1' : 'Espruino'} firmware (looked for ${fw.join(', ')})`);
  if (!b) missing.push(`the RP2040 bootrom (looked for ${br.join(', ')})`);
  return { missing: `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} absent` };
}
