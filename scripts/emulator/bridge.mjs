// startBridge({ target, firmware, bootrom, link, pace, onLine, onStatus }): the emulated Pico
// behind a real serial port (a pseudo-terminal), so that the tools for a real board work on it
// unchanged: @kaluma/cli (`kaluma write prog.js -p PATH`) for Kaluma, uploadToEspruino() or any
// terminal for Espruino.
//
// Resolves { path, pty, board, output(), mark(), waitFor(text, { timeoutMs, from }), stats(),
// done, close() } once the firmware has booted:
//   path   the port for host programs: `link` (a symbolic link made to the pty; default none)
//          or the pty itself (/dev/pts/N)
//   output() what the device printed, plain lines; mark() an offset for waitFor's `from`
//   done   resolves { reason, crashed?, error? } when the bridge ends by itself or is closed
//   close() stops the emulator and the pty, removes the link; resolves stats()
// The port may be opened and closed any number of times; what the device prints while no host
// holds it open is dropped (as a real Pico keeps little of it). 8-bit clean; baud rate and line
// settings are ignored. pace (default true): emulated time never runs ahead of wall time, so the
// host tools' own timeouts (wall time) and the firmware's (emulated) agree as on a board.
//
// The pty: Node cannot make one without a native addon, so a small python3 child does
// (pty.openpty) and relays bytes between its master side and its stdin/stdout; nothing to
// install on a machine with python3. Where python3 is absent, startBridge rejects saying so
// (whyNoBridge() says it up front). Start host programs with the asynchronous child_process
// functions: a spawnSync would stop the emulator while it waits.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readBootrom, readFirmware } from './images.mjs';

const SLICE_MS = 5;
const MAX_LAG_MS = 100;

// The python3 side: "PTY <path>" on stderr, then host->device bytes on stdout, device->host from
// stdin; OPEN / CLOSED on stderr when the first host opens / the last closes the port.
const RELAY_PY = String.raw`
import os, sys, pty, tty, select, signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
m, s = pty.openpty()
tty.setraw(s)
name = os.ttyname(s)
os.close(s)
os.set_blocking(m, False)
IN, OUT, HUP = select.POLLIN, select.POLLOUT, select.POLLHUP | select.POLLERR
def say(msg):
    os.write(2, (msg + '\n').encode())
def held():
    q = select.poll()
    q.register(m, IN)
    return not any(ev & HUP for _, ev in q.poll(0))
def read_host():
    while True:
        try:
            d = os.read(m, 65536)
        except BlockingIOError:
            return True
        except OSError:
            return False
        if not d:
            return False
        while d:
            d = d[os.write(1, d):]
say('PTY ' + name)
idle = select.poll()
idle.register(0, IN)
busy = select.poll()
busy.register(0, IN)
busy.register(m, IN)
open_ = False
pending = b''
try:
    while True:
        if open_:
            busy.modify(m, IN | (OUT if pending else 0))
            events = busy.poll()
        else:
            events = idle.poll(20)
            if held():
                open_ = True
                say('OPEN')
        for fd, ev in events:
            if fd == 0:
                d = os.read(0, 65536)
                if not d:
                    sys.exit(0)
                if open_:
                    pending = (pending + d)[-65536:]
            elif fd == m and open_ and ev & (IN | HUP):
                if not read_host():
                    open_ = False
                    pending = b''
                    say('CLOSED')
        if open_ and pending:
            try:
                pending = pending[os.write(m, pending):]
            except BlockingIOError:
                pass
            except OSError:
                pending = b''
except (BrokenPipeError, KeyboardInterrupt):
    pass
`;

const python = () => process.env.PYTHON || 'python3';

/** Null when a bridge can be made here; else why not (for a skip line or an error). */
export function whyNoBridge() {
  const r = spawnSync(python(), ['-c', 'import pty, tty, select'], { stdio: 'ignore' });
  return r.status === 0 ? null : `${python()} with its pty module is absent: the bridge makes its pseudo-terminal with it (Node has no pty without a native addon)`;
}

async function makeBoard(o) {
  const fw = readFirmware(o.firmware);
  const bootrom = readBootrom(o.bootrom);
  if (o.target === 'espruino') {
    const { EspruinoBoard } = await import('./espruino.mjs');
    return new EspruinoBoard({ flash: fw.flash, bootrom, wallTimeoutMs: Infinity });
  }
  const { KalumaBoard } = await import('./kaluma.mjs');
  return new KalumaBoard({ flash: fw.flash, bootrom, wallTimeoutMs: Infinity });
}

function plain(s) {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '').split('\n').map((l) => {
    l = l.replace(/\r+$/, '');
    const j = l.lastIndexOf('\r');
    return (j >= 0 ? l.slice(j + 1) : l).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
  }).filter((l) => l.trim() && !/^>\s*$/.test(l)).join('\n');
}

export async function startBridge(o) {
  const why = whyNoBridge();
  if (why) throw new Error(`startBridge: ${why}`);
  const link = o.link ? path.resolve(o.link) : null;
  const pace = o.pace ?? true;
  const onLine = o.onLine || (() => {});
  const onStatus = o.onStatus || (() => {});
  const board = await makeBoard(o);
  const st = { opens: 0, closes: 0, hostBytes: 0, deviceBytes: 0 };
  let ended = null;
  let endWith;
  const done = new Promise((r) => (endWith = r));
  const end = (why) => {
    if (!ended) endWith((ended = why));
  };

  const child = spawn(python(), ['-I', '-c', 'import os; exec(os.environ["THREADSAFE_PTY_RELAY"])'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, THREADSAFE_PTY_RELAY: RELAY_PY },
  });
  const exited = new Promise((r) => child.once('close', (code, sig) => r({ code, sig })));
  let ptyPath = null;
  let linkMade = false;
  const removeLink = () => {
    if (!linkMade) return;
    linkMade = false;
    try {
      if (fs.readlinkSync(link) === ptyPath) fs.unlinkSync(link);
    } catch {}
  };
  const onExit = () => {
    removeLink();
    try {
      child.kill('SIGKILL');
    } catch {}
  };
  process.on('exit', onExit);
  let gotPty;
  const ptyLine = new Promise((res, rej) => {
    gotPty = res;
    child.once('error', (e) => rej(new Error(`startBridge: cannot start ${python()} (${e.message}): it makes the pseudo-terminal`)));
    exited.then(({ code, sig }) => rej(new Error(`startBridge: ${python()} exited (${sig || code}) before making the pseudo-terminal`)));
  });
  let errBuf = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => {
    errBuf += s;
    let nl;
    while ((nl = errBuf.indexOf('\n')) >= 0) {
      const l = errBuf.slice(0, nl);
      errBuf = errBuf.slice(nl + 1);
      if (l.startsWith('PTY ')) gotPty(l.slice(4));
      else if (l === 'OPEN') st.opens++, onStatus('host opened the port');
      else if (l === 'CLOSED') st.closes++, onStatus('host closed the port');
      else onStatus('python3: ' + l);
    }
  });
  child.stdout.on('data', (b) => {
    st.hostBytes += b.length;
    board.serialWrite(b);
  });
  child.stdin.on('error', () => {});
  const killChild = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    }
  };

  const waiters = new Set();
  let lineBuf = '';
  board.onOutput((s, buf) => {
    st.deviceBytes += buf.length;
    if (child.stdin.writable) child.stdin.write(Buffer.from(buf));
    lineBuf += s;
    const nl = lineBuf.lastIndexOf('\n');
    if (nl >= 0) {
      for (const l of plain(lineBuf.slice(0, nl + 1)).split('\n')) if (l) onLine(l, board.nowMs);
      lineBuf = lineBuf.slice(nl + 1);
    }
    for (const w of [...waiters]) if (board.output.indexOf(w.text, w.from) >= 0) w.ok();
  });

  try {
    ptyPath = await ptyLine;
    if (link) {
      claimLink(link, ptyPath);
      linkMade = true;
    }
    onStatus(`booting (${ptyPath}${link ? ' as ' + link : ''})`);
    const bootMs = await board.boot();
    onStatus(`booted in ${bootMs.toFixed(1)} emulated ms; pace=${pace}`);
  } catch (e) {
    removeLink();
    await killChild();
    process.off('exit', onExit);
    throw e;
  }
  exited.then(({ code, sig }) => end({ reason: 'the pty relay exited', error: `python3 exited (${sig || code})` }));

  const t0 = { wall: performance.now(), emu: board.nowMs };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const loop = (async () => {
    let wallRef = t0.wall;
    const emuRef = t0.emu;
    try {
      while (!ended) {
        if (board.crashed) return end({ reason: 'firmware crash', crashed: board.crashed });
        if (pace) {
          const lag = performance.now() - wallRef - (board.nowMs - emuRef);
          if (lag < 0) {
            await sleep(Math.min(SLICE_MS, Math.ceil(-lag)));
            continue;
          }
          if (lag > MAX_LAG_MS) wallRef += lag - MAX_LAG_MS; // behind: do not try to catch up later
        }
        await board.runFor(SLICE_MS);
        await new Promise((r) => setImmediate(r));
      }
    } catch (e) {
      end({ reason: 'emulator error', error: e.message });
    }
  })();

  const stats = () => {
    const wallS = (performance.now() - t0.wall) / 1000;
    const emuMs = board.nowMs - t0.emu;
    return { ...st, emulatedMs: +emuMs.toFixed(1), wallS: +wallS.toFixed(1), emulatedMsPerWallS: wallS ? Math.round(emuMs / wallS) : 0 };
  };
  let closing = null;
  const close = () =>
    (closing ||= (async () => {
      end({ reason: 'closed' });
      await loop;
      for (const w of [...waiters]) w.fail(new Error('bridge closed'));
      removeLink();
      await killChild();
      process.off('exit', onExit);
      return stats();
    })());
  done.then((why) => {
    if (why.reason !== 'closed') close();
  });

  return {
    path: link || ptyPath,
    pty: ptyPath,
    board,
    done,
    close,
    stop: close,
    stats,
    output: () => plain(board.output) + '\n',
    mark: () => board.output.length,
    /** Resolves once the device has printed `text` (since output offset `from`, see mark()). */
    waitFor(text, { timeoutMs = 60000, from = 0 } = {}) {
      if (board.output.indexOf(text, from) >= 0) return Promise.resolve();
      if (ended) return Promise.reject(new Error('bridge ended: ' + ended.reason));
      return new Promise((res, rej) => {
        const w = {
          text,
          from,
          ok: () => (clearTimeout(t), waiters.delete(w), res()),
          fail: (e) => (clearTimeout(t), waiters.delete(w), rej(e)),
        };
        const t = setTimeout(() => w.fail(new Error(`"${text}" not printed within ${timeoutMs} ms`)), timeoutMs);
        waiters.add(w);
      });
    },
  };
}

/** Points `link` at `target`, replacing only a stale link (its pty gone). */
function claimLink(link, target) {
  let st = null;
  try {
    st = fs.lstatSync(link);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  if (st) {
    if (!st.isSymbolicLink()) throw new Error(`startBridge: ${link} exists and is not a symbolic link: pass another link`);
    const old = path.resolve(path.dirname(link), fs.readlinkSync(link));
    if (old !== target && fs.existsSync(old)) throw new Error(`startBridge: ${link} points to ${old}, which exists (another bridge?): pass another link`);
    fs.unlinkSync(link);
  }
  fs.symlinkSync(target, link);
}

// CLI: node scripts/emulator/bridge.mjs [--target kaluma|espruino] [--firmware F] [--bootrom B]
//      [--link PATH] [--no-pace] [--quiet]   prints "BRIDGE READY <port>"; Ctrl-C stops it.
async function main(argv) {
  const o = { target: 'kaluma', pace: true, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (['--target', '--firmware', '--bootrom', '--link'].includes(a) && argv[i + 1]) o[a.slice(2)] = argv[++i];
    else if (a === '--no-pace') o.pace = false;
    else if (a === '--quiet') o.quiet = true;
    else {
      console.error(`bridge: unknown argument ${a}\nusage: node scripts/emulator/bridge.mjs [--target kaluma|espruino] [--firmware F] [--bootrom B] [--link PATH] [--no-pace] [--quiet]`);
      return 2;
    }
  }
  const { startBridge: start } = await import('./index.mjs');
  const say = (m) => process.stderr.write(`[bridge] ${m}\n`);
  let b;
  try {
    b = await start({ ...o, onStatus: o.quiet ? null : say, onLine: o.quiet ? null : (l, ms) => process.stderr.write(`[device ${ms.toFixed(1).padStart(8)} ms] ${l}\n`) });
  } catch (e) {
    say('error: ' + e.message);
    return 1;
  }
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => b.close());
  process.stdout.write(`BRIDGE READY ${b.path}\n`);
  const why = await b.done;
  await b.close();
  if (why.crashed) say('FIRMWARE CRASH ' + JSON.stringify(why.crashed));
  else if (why.error) say('error: ' + why.error);
  return why.crashed ? 3 : why.reason === 'closed' ? 0 : 1;
}

if (process.argv[1] && fs.realpathSync(path.resolve(process.argv[1])) === fs.realpathSync(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).then((code) => process.stdout.write('', () => process.exit(code)));
}
