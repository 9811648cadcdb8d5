import { Worker } from 'node:worker_threads';

/** What an entry into the isolate is, for the reason a spin kill gives. */
export const ENTRY_KIND = { call: 1, continuation: 2 } as const;

/** The line a host writes to stderr before the watchdog kills it; the kernel reads the cause from it. */
export const HOST_FAULT_PREFIX = 'omega-host-fault';

/** Watches how long the host's main thread stays inside the isolate without coming back. */
export interface SpinWatchdog {
  /** The main thread enters the isolate (applySync) for `kind`. */
  enter(kind: number): void;
  /** …and is back. */
  leave(): void;
  /** Sets the longest stay, ms (0 = not watched; before LOAD nothing runs plugin code). */
  setLimit(ms: number): void;
}

// Slots of the shared Int32Array.
const SEQ = 0; // entry number while inside (never 0), 0 when outside
const KIND = 1;
const LIMIT = 2;
const TICK_MS = 50;

/*
 * The watching thread. It counts only time it saw pass in ticks of its own (each tick adds at
 * most 2 ticks' worth), so a stalled machine or a starved watcher never adds up to a kill; a
 * plugin that stays inside one entry for LIMIT ms of observed time is stopped: one stderr line
 * with the cause (written whole: shorter than PIPE_BUF), then SIGKILL of this whole process
 * (the main thread is stuck and cannot be asked; isolated-vm has no cross-thread terminate).
 */
const WATCHER = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const s = new Int32Array(workerData.sab);
const names = { 1: 'a call', 2: 'a host-call continuation' };
let seq = 0, seen = 0, last = Date.now();
setInterval(() => {
  const now = Date.now();
  const gap = Math.min(now - last, ${2 * TICK_MS});
  last = now;
  const cur = Atomics.load(s, ${SEQ});
  const limit = Atomics.load(s, ${LIMIT});
  if (cur === 0 || limit <= 0) { seq = 0; seen = 0; return; }
  if (cur !== seq) { seq = cur; seen = 0; return; }
  seen += gap;
  if (seen < limit) return;
  const what = names[Atomics.load(s, ${KIND})] || 'plugin code';
  try { writeSync(2, '\\n${HOST_FAULT_PREFIX} spin ' + what + ' ran ' + seen + ' ms without yielding\\n'); } catch {}
  process.kill(process.pid, 'SIGKILL');
}, ${TICK_MS});
`;

/**
 * Starts the watcher thread of a plugin host (~10 MB; see docs/sandbox.md). Entries are marked
 * with two atomic stores, so a call costs nothing measurable.
 */
export function startSpinWatchdog(): SpinWatchdog {
  const sab = new SharedArrayBuffer(4 * 4);
  const s = new Int32Array(sab);
  let seq = 0;
  const worker = new Worker(WATCHER, {
    eval: true,
    workerData: { sab },
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2, stackSizeMb: 1 },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  worker.on('error', () => {}); // without a watcher the kernel's deadlines still stop a spin
  return {
    enter(kind) {
      seq = seq >= 0x7ffffff0 ? 1 : seq + 1;
      Atomics.store(s, KIND, kind);
      Atomics.store(s, SEQ, seq);
    },
    leave() {
      Atomics.store(s, SEQ, 0);
    },
    setLimit(ms) {
      Atomics.store(s, LIMIT, Math.max(0, Math.min(0x7fffffff, Math.floor(ms))));
    },
  };
}
