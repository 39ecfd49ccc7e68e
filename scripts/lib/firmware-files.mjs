// The firmware files `emulate` and the heap figure run on, found in this order: what the user
// named (--firmware / --bootrom), the environment (KALUMA_FIRMWARE or ESPRUINO_FIRMWARE,
// RP2040_BOOTROM), the maintainers' copies beside a repository checkout (as in CI), then what
// `threadsafe fetch-firmware` cached.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir, FILES } from '../emulator/fetch.mjs';
import { REPO_ROOT, userCwd } from './root.mjs';

const SHARED = {
  kaluma: { dir: 'kaluma-emu', firmware: ['kaluma-rp2-pico-1.2.1.uf2', 'kaluma-rp2-pico-1.2.1.bin'], bootrom: 'bootrom-b1.bin' },
  espruino: { dir: 'espruino-rp2040', firmware: ['espruino_rp2040_pico.bin', 'espruino.uf2', 'espruino.bin'], bootrom: 'bootrom-b1.bin' },
};

function candidates(target, kind, given) {
  if (given) return [resolve(userCwd(), given)];
  const env = kind === 'bootrom' ? process.env.RP2040_BOOTROM : target === 'kaluma' ? process.env.KALUMA_FIRMWARE : process.env.ESPRUINO_FIRMWARE;
  if (env) return [resolve(userCwd(), env)];
  const out = [];
  if (REPO_ROOT) {
    const dir = join(REPO_ROOT, '..', 'shared', SHARED[target].dir);
    if (kind === 'bootrom') out.push(join(REPO_ROOT, '..', 'shared', 'kaluma-emu', SHARED[target].bootrom), join(dir, SHARED[target].bootrom));
    else out.push(...SHARED[target].firmware.map((f) => join(dir, f)));
  }
  out.push(join(cacheDir(), kind === 'bootrom' ? FILES.bootrom : FILES[target].firmware));
  return out;
}

/**
 * { firmware, bootrom } for `target`, or { missing: 'why, in one line' }. `firmware`/`bootrom`:
 * paths the user gave (relative to where they typed the command).
 */
export function firmwareFiles({ target = 'kaluma', firmware, bootrom } = {}) {
  const fw = candidates(target, 'firmware', firmware);
  const br = candidates(target, 'bootrom', bootrom);
  const f = fw.find((p) => existsSync(p));
  const b = br.find((p) => existsSync(p));
  if (f && b) return { firmware: f, bootrom: b };
  const missing = [];
  if (!f) missing.push(`the ${target === 'kaluma' ? 'Kaluma 1.2.1' : 'Espruino'} firmware (looked for ${fw.join(', ')})`);
  if (!b) missing.push(`the RP2040 bootrom (looked for ${br.join(', ')})`);
  return { missing: `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} absent` };
}
