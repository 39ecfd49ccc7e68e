// Firmware and bootrom files in the forms a user has, read into what the emulated RP2040 needs.
//
//   readFirmware(path)  -> { flash: Uint8Array (image from 0x10000000), format: 'uf2'|'elf'|'bin', symbols? }
//   readBootrom(path)   -> Uint32Array (16 KB, the RP2040 B1 bootrom; a raw .bin or an .elf)
//   elfSymbols(bytes)   -> Map name -> address (functions: Thumb bit cleared)
//
// UF2: 512-byte blocks of 256-byte payloads (Kaluma publishes its firmware so); only blocks for
// flash (0x10000000..) are taken, and a block whose family id is set must be the RP2040's.
// ELF: the PT_LOAD segments at their load (physical) addresses, so initialised data that runs
// from RAM is taken from where it lies in flash, as the chip's boot copies it.
import { readFileSync } from 'node:fs';

export const FLASH_BASE = 0x10000000;
export const FLASH_SIZE = 16 * 1024 * 1024;
const UF2_MAGIC0 = 0x0a324655;
const UF2_MAGIC1 = 0x9e5d5157;
const UF2_MAGIC_END = 0x0ab16f30;
const UF2_FAMILY_PRESENT = 0x2000;
export const RP2040_FAMILY = 0xe48bff56;

function bytesOf(fileOrBytes) {
  return typeof fileOrBytes === 'string' ? new Uint8Array(readFileSync(fileOrBytes)) : new Uint8Array(fileOrBytes);
}

export function formatOf(b) {
  if (b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) return 'elf';
  if (b.length >= 512) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (dv.getUint32(0, true) === UF2_MAGIC0 && dv.getUint32(4, true) === UF2_MAGIC1) return 'uf2';
  }
  return 'bin';
}

/** The flash image of a UF2 file: an array as long as the highest byte written. */
export function uf2ToFlash(b, where = 'the .uf2 file') {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length % 512) throw new Error(`${where}: a UF2 file is made of 512-byte blocks; ${b.length} bytes is not a multiple of 512`);
  const parts = [];
  let end = 0;
  for (let off = 0; off < b.length; off += 512) {
    if (dv.getUint32(off, true) !== UF2_MAGIC0 || dv.getUint32(off + 4, true) !== UF2_MAGIC1 || dv.getUint32(off + 508, true) !== UF2_MAGIC_END) {
      throw new Error(`${where}: block ${off / 512} is not a UF2 block (bad magic numbers)`);
    }
    const flags = dv.getUint32(off + 8, true);
    if (flags & 1) continue; // "not main flash"
    const addr = dv.getUint32(off + 12, true);
    const size = dv.getUint32(off + 16, true);
    if ((flags & UF2_FAMILY_PRESENT) && dv.getUint32(off + 28, true) !== RP2040_FAMILY) {
      throw new Error(`${where}: block ${off / 512} is for family 0x${dv.getUint32(off + 28, true).toString(16)}, not the RP2040 (0x${RP2040_FAMILY.toString(16)})`);
    }
    if (size > 476) throw new Error(`${where}: block ${off / 512} claims ${size} payload bytes (at most 476)`);
    if (addr < FLASH_BASE || addr + size > FLASH_BASE + FLASH_SIZE) continue;
    parts.push([addr - FLASH_BASE, b.subarray(off + 32, off + 32 + size)]);
    end = Math.max(end, addr - FLASH_BASE + size);
  }
  if (!parts.length) throw new Error(`${where}: no block writes to flash (0x10000000..)`);
  const flash = new Uint8Array(end).fill(0xff);
  for (const [o, p] of parts) flash.set(p, o);
  return flash;
}

function elfHeader(b, where) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b[4] !== 1 || b[5] !== 1) throw new Error(`${where}: only 32-bit little-endian ELF files are read (an ARM Cortex-M0+ image)`);
  return {
    dv,
    phoff: dv.getUint32(28, true),
    shoff: dv.getUint32(32, true),
    phentsize: dv.getUint16(42, true),
    phnum: dv.getUint16(44, true),
    shentsize: dv.getUint16(46, true),
    shnum: dv.getUint16(48, true),
  };
}

/** PT_LOAD segments of an ELF file: [{ paddr, bytes }] (file bytes only; .bss is not in a file). */
export function elfSegments(b, where = 'the .elf file') {
  const h = elfHeader(b, where);
  const out = [];
  for (let i = 0; i < h.phnum; i++) {
    const p = h.phoff + i * h.phentsize;
    if (h.dv.getUint32(p, true) !== 1) continue; // PT_LOAD
    const offset = h.dv.getUint32(p + 4, true);
    const paddr = h.dv.getUint32(p + 12, true);
    const filesz = h.dv.getUint32(p + 16, true);
    if (filesz) out.push({ paddr, bytes: b.subarray(offset, offset + filesz) });
  }
  return out;
}

/** Function and object symbols of an ELF file: Map name -> address (Thumb bit cleared). */
export function elfSymbols(fileOrBytes) {
  const b = bytesOf(fileOrBytes);
  const h = elfHeader(b, 'the .elf file');
  const sec = (i) => {
    const s = h.shoff + i * h.shentsize;
    return { type: h.dv.getUint32(s + 4, true), offset: h.dv.getUint32(s + 16, true), size: h.dv.getUint32(s + 20, true), link: h.dv.getUint32(s + 24, true), entsize: h.dv.getUint32(s + 36, true) };
  };
  const syms = new Map();
  for (let i = 0; i < h.shnum; i++) {
    const s = sec(i);
    if (s.type !== 2) continue; // SHT_SYMTAB
    const str = sec(s.link);
    for (let o = s.offset; o + 16 <= s.offset + s.size; o += s.entsize || 16) {
      const nameOff = h.dv.getUint32(o, true);
      const value = h.dv.getUint32(o + 4, true);
      const type = b[o + 12] & 0xf;
      if (type !== 1 && type !== 2) continue; // OBJECT, FUNC
      let e = str.offset + nameOff;
      while (b[e]) e++;
      const name = Buffer.from(b.subarray(str.offset + nameOff, e)).toString('latin1');
      if (name && !syms.has(name)) syms.set(name, type === 2 ? value & ~1 : value);
    }
  }
  return syms;
}

/** A firmware file (.uf2, .elf or a raw .bin from 0x10000000) as a flash image. */
export function readFirmware(fileOrBytes, where = typeof fileOrBytes === 'string' ? fileOrBytes : 'the firmware') {
  const b = bytesOf(fileOrBytes);
  const format = formatOf(b);
  if (format === 'uf2') return { flash: uf2ToFlash(b, where), format };
  if (format === 'elf') {
    const segs = elfSegments(b, where).filter((s) => s.paddr >= FLASH_BASE && s.paddr < FLASH_BASE + FLASH_SIZE);
    if (!segs.length) throw new Error(`${where}: the ELF file loads nothing into flash (0x10000000..)`);
    const end = Math.max(...segs.map((s) => s.paddr - FLASH_BASE + s.bytes.length));
    const flash = new Uint8Array(end).fill(0xff);
    for (const s of segs) flash.set(s.bytes, s.paddr - FLASH_BASE);
    return { flash, format, symbols: elfSymbols(b) };
  }
  if (b.length < 256) throw new Error(`${where}: ${b.length} bytes is too small for an RP2040 firmware image`);
  if (b.length > FLASH_SIZE) throw new Error(`${where}: ${b.length} bytes is larger than the 16 MB flash`);
  return { flash: b, format };
}

/** The RP2040 bootrom: a raw 16 KB image, or an .elf that loads it at address 0. */
export function readBootrom(fileOrBytes, where = typeof fileOrBytes === 'string' ? fileOrBytes : 'the bootrom') {
  let b = bytesOf(fileOrBytes);
  if (formatOf(b) === 'elf') {
    const rom = new Uint8Array(16384);
    let any = false;
    for (const s of elfSegments(b, where)) {
      if (s.paddr < 16384) {
        rom.set(s.bytes.subarray(0, 16384 - s.paddr), s.paddr);
        any = true;
      }
    }
    if (!any) throw new Error(`${where}: the ELF file loads nothing at address 0 (the bootrom's place)`);
    b = rom;
  }
  if (b.length !== 16384) throw new Error(`${where}: the RP2040 bootrom is a raw 16384-byte image (or its .elf); this file has ${b.length} bytes`);
  const words = new Uint32Array(4096);
  new Uint8Array(words.buffer).set(b);
  // the B1 bootrom starts with its initial stack pointer 0x20041f00 and the 'Mu' magic at 0x10
  if (words[0] !== 0x20041f00 || (words[4] & 0xffffff) !== 0x01754d) {
    throw new Error(`${where}: not an RP2040 bootrom (its first words are not the bootrom's stack pointer and magic)`);
  }
  return words;
}
