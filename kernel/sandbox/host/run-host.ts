import { writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import ivm from 'isolated-vm';
import { answerPerChunk } from '../wire/answer-per-chunk.js';
import { createFrameReader } from '../wire/create-frame-reader.js';
import { createFrameWriter } from '../wire/create-frame-writer.js';
import { encodeFrame } from '../wire/encode-frame.js';
import { type Frame, FrameType } from '../wire/frame-type.js';
import { NO_ANSWER_UNSENT_BYTES } from '../wire/no-answer-bounds.js';
import { createIdleSettle, type IdleSettle } from './create-idle-settle.js';
import type { HostLoadConfig } from './host-config.js';
import { MAX_CALLER_SLOTS, PRELUDE_SOURCE } from './prelude-source.js';
import { takeHostGc } from './take-host-gc.js';

/** Exit code of a host that gave up on its isolate (the kernel reads the FAULT frame for why). */
const EXIT_FAULT = 70;
/** Frames from the kernel are trusted but still bounded. */
const MAX_KERNEL_FRAME = 256 * 1024 * 1024;

/** A long turn of entries reports its progress at least this often, ms (at most spinMs / 10). */
const PROGRESS_MS = 20;

const errBody = (code: string, message: string): string => JSON.stringify({ code, message });

const PLUS = 0x2b;
const EQUALS = 0x3d;

/** The slot N of a CALL's kind `route+N` / `route=N` (decimal from index 6), or -1 if not one below MAX_CALLER_SLOTS. */
function slotNumber(kind: string): number {
  if (kind.length < 7 || kind.length > 11) return -1;
  let n = 0;
  for (let i = 6; i < kind.length; i++) {
    const d = kind.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n < MAX_CALLER_SLOTS ? n : -1;
}

/**
 * The plugin-host process: one isolate and one context for one plugin, driven by frames on
 * `sock` (fd 3, a socketpair to the kernel). Every entry into the isolate is a synchronous
 * `applySync` (calls and host-call continuations have no isolated-vm timeout, loading has one);
 * that is safe only because the kernel watches this process from outside (spins, wall
 * deadlines, CPU share) and kills it. The kernel's spin watch counts the entry frames it sent
 * (CALL, REPLY); this host stamps the number it has finished into `aux` of every frame it
 * writes — at the end of a turn, and at once when a turn of many entries runs past PROGRESS_MS. Anything unexpected ends the process: it holds one
 * plugin and nothing else, and the kernel restarts it.
 */
export function runHost(sock: Socket): void {
  // First, before any isolate (and its default context) exists: V8's gc is then no longer exposed.
  const hostGc = takeHostGc();
  // Entry frames (CALL, REPLY) finished, mod 2^32, and when the kernel last heard the count.
  let done = 0;
  let reportedAt = 0;
  let progressMs = PROGRESS_MS;
  const writer = createFrameWriter(sock, {
    stamp: () => {
      reportedAt = performance.now();
      return done;
    },
  });
  let isolate: ivm.Isolate | undefined;
  let dispatchRef: ivm.Reference<unknown> | undefined;
  let settleRef: ivm.Reference<unknown> | undefined;
  /**
   * The limits of the loaded plugin, kept for its whole life: not the LOAD frame's config itself,
   * whose bundle source (a two-byte string when the bundle holds any non-Latin-1 character: 254 KB
   * for the metrics plugin's 127 KB bundle) and ctx surface would stay in this process's heap for
   * nothing — the isolate holds its own copy of the source.
   */
  let cfg: Pick<HostLoadConfig, 'maxCallChars' | 'maxResultChars'> | undefined;
  let dying = false;
  let settle: IdleSettle | undefined;
  // Host calls sent and not answered yet (the kernel answers each one with one REPLY).
  let hostCallsOut = 0;

  /**
   * One entry frame is finished (whether or not it entered the isolate, so the counts on both
   * sides stay equal). The turn's write carries the count; nothing queued → a PROGRESS frame.
   * A turn that has run past progressMs since the last report writes now (one clock read here).
   */
  const entryDone = (): void => {
    done = (done + 1) >>> 0;
    if (writer.queuedBytes() === 0) writer.send(FrameType.PROGRESS, 0, done, '', '');
    settle?.touch();
    if (performance.now() - reportedAt >= progressMs) writer.flush();
  };

  /** Ends this host; `cause` is one of the kernel's kill causes (PluginKillCause). */
  const die = (reason: string, cause = 'crash'): void => {
    if (dying) return;
    dying = true;
    writer.send(FrameType.FAULT, 0, done, '', JSON.stringify({ reason, cause }));
    writer.flush();
    sock.end(() => process.exit(EXIT_FAULT));
    setTimeout(() => process.exit(EXIT_FAULT), 200);
  };

  /** An exception out of applySync is isolated-vm's own (our prelude catches plugin throws). */
  const entryFailed = (where: string, err: unknown, callId?: number): void => {
    const disposed = isolate?.isDisposed ?? true;
    const msg = err instanceof Error ? err.message : '';
    const timedOut = !disposed && /timed out/i.test(msg);
    if (callId !== undefined && timedOut) {
      writer.send(
        FrameType.RESULT_ERR,
        callId,
        done,
        '',
        errBody('OMEGA_ERR_PLUGIN_TIMEOUT', `The plugin's ${where} timed out.`),
      );
    }
    if (disposed) die(`isolate memory limit reached in ${where}`, 'memory');
    else if (timedOut) die(`timeout in ${where}`, 'deadline');
    else die(`isolate error in ${where}`);
  };

  /**
   * 1 when a host call (kind 1) was sent; a no-answer call (id 0) is refused (0) over
   * NO_ANSWER_UNSENT_BYTES; 2 when this host is stopping or has no plugin loaded (nothing is sent).
   */
  const post = (kind: unknown, id: unknown, a: unknown, b: unknown): number => {
    if (dying || !cfg) return 2;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffffff) return 0;
    if (typeof b !== 'string') return 0;
    if (kind === 1) {
      if (typeof a !== 'string' || a.length > 64 || b.length > cfg.maxCallChars) return 0;
      if (id === 0 && writer.queuedBytes() + sock.writableLength > NO_ANSWER_UNSENT_BYTES) return 0;
      writer.send(FrameType.HOST_CALL, id, done, a, b);
      // A no-answer call (id 0) gets no REPLY: nothing to wait for.
      if (id !== 0) hostCallsOut++;
      return 1;
    }
    if (kind === 2 || kind === 3) sendResult(kind === 2 ? FrameType.RESULT_OK : FrameType.RESULT_ERR, id, b);
    return 0;
  };

  /** A call's outcome (the isolate's text, bounded here again: the prelude's check is the plugin's side). */
  const sendResult = (type: number, id: number, b: string): void => {
    if (b.length > cfg!.maxResultChars) {
      writer.send(
        FrameType.RESULT_ERR,
        id,
        done,
        '',
        errBody('OMEGA_ERR_PLUGIN_LIMIT', 'The result is too large.'),
      );
      return;
    }
    writer.send(type, id, done, '', b);
  };

  const load = (c: HostLoadConfig): void => {
    cfg = { maxCallChars: c.maxCallChars, maxResultChars: c.maxResultChars };
    progressMs = Math.max(1, Math.min(PROGRESS_MS, c.spinMs / 10));
    isolate = new ivm.Isolate({
      memoryLimit: c.memoryMb,
      onCatastrophicError: (message) => {
        try {
          writeSync(
            3,
            encodeFrame(
              FrameType.FAULT,
              0,
              done,
              '',
              JSON.stringify({ reason: `catastrophic: ${message}`, cause: 'crash' }),
            ),
          );
        } finally {
          process.abort();
        }
      },
    });
    // Before the plugin's context exists (it must never see V8's gc).
    settle = createIdleSettle(isolate, { inFlight: () => hostCallsOut, ...(hostGc ? { hostGc } : {}) });
    const context = isolate.createContextSync();
    const factory = context.evalSync(PRELUDE_SOURCE, {
      reference: true,
      timeout: c.loadTimeoutMs,
    }) as ivm.Reference<(...a: unknown[]) => unknown>;
    const cfgJson = JSON.stringify({
      name: c.name,
      version: c.version,
      maxCallChars: c.maxCallChars,
      maxResultChars: c.maxResultChars,
      surface: c.surface,
    });
    const api = factory.applySync(undefined, [new ivm.Callback(post), cfgJson], {
      result: { reference: true },
      timeout: c.loadTimeoutMs,
    }) as ivm.Reference<Record<string, unknown>>;
    dispatchRef = api.getSync('dispatch', { reference: true });
    settleRef = api.getSync('settle', { reference: true });
    const installRef = api.getSync('install', { reference: true });
    factory.release();

    let module: ivm.Module;
    try {
      module = isolate.compileModuleSync(c.code, { filename: `plugin:${c.name}` });
    } catch (err) {
      // A SyntaxError from V8's compiler (made by isolated-vm, not by plugin code).
      const msg = err instanceof Error ? err.message.slice(0, 500) : 'does not compile';
      writer.send(
        FrameType.LOAD_FAILED,
        0,
        done,
        '',
        errBody('OMEGA_ERR_MANIFEST_INVALID', `The bundle does not compile: ${msg}`),
      );
      return;
    }
    if (module.dependencySpecifiers.length > 0) {
      writer.send(
        FrameType.LOAD_FAILED,
        0,
        done,
        '',
        errBody(
          'OMEGA_ERR_MANIFEST_INVALID',
          'The bundle imports modules; a plugin bundle must be self-contained.',
        ),
      );
      return;
    }
    module.instantiateSync(context, () => {
      throw new Error('imports are refused');
    });
    try {
      module.evaluateSync({ timeout: c.loadTimeoutMs });
    } catch (err) {
      if (isolate.isDisposed || (err instanceof Error && /timed out/i.test(err.message))) {
        entryFailed('bundle evaluation', err);
        return;
      }
      // Whatever the plugin threw is not looked at.
      writer.send(
        FrameType.LOAD_FAILED,
        0,
        done,
        '',
        errBody('OMEGA_ERR_PLUGIN_FAILED', 'The bundle threw while it was evaluated.'),
      );
      return;
    }
    const exported = module.namespace.getSync('plugin', { reference: true }) as ivm.Reference<unknown>;
    if (exported.typeof !== 'object') {
      writer.send(
        FrameType.LOAD_FAILED,
        0,
        done,
        '',
        errBody('OMEGA_ERR_MANIFEST_INVALID', 'The bundle must export const plugin = { ... }.'),
      );
      return;
    }
    const info = installRef.applySync(undefined, [exported.derefInto()], { timeout: c.loadTimeoutMs });
    writer.send(FrameType.LOADED, 0, done, '', typeof info === 'string' ? info : '');
  };

  const onFrame = (f: Frame): void => {
    if (dying) return;
    switch (f.type) {
      case FrameType.CALL: {
        if (!dispatchRef) {
          entryDone();
          return;
        }
        const colon = f.meta.indexOf(':');
        let kind = f.meta.slice(0, colon);
        const name = f.meta.slice(colon + 1);
        // `route+N` (keep this call's caller as slot N) or `route=N` (its caller is slot N's).
        let slot = -1;
        let keep = false;
        if (kind.length > 5 && kind.startsWith('route')) {
          const op = kind.charCodeAt(5);
          slot = slotNumber(kind);
          if ((op !== PLUS && op !== EQUALS) || slot < 0) {
            die(`bad route call ${kind}`, 'protocol');
            return;
          }
          keep = op === PLUS;
          kind = 'route';
        }
        try {
          // No isolated-vm timeout on calls: each one leaves a timer record inside isolated-vm
          // until it would have fired (laverdet/isolated-vm#572), i.e. calls/s × deadline of
          // them — ~20 MB of native heap after a burst of route calls, never given back. The
          // kernel enforces this call's deadline (aux) and the spin rule from outside.
          // A route handler that answered at once: its answer is the entry's result (a string; the
          // prelude returns nothing else), sent as post(2, …) would have sent it.
          const answer = dispatchRef.applySync(undefined, [
            f.id,
            kind,
            name,
            f.body.toString('utf8'),
            slot,
            keep,
          ]);
          if (typeof answer === 'string' && !dying) sendResult(FrameType.RESULT_OK, f.id, answer);
        } catch (err) {
          entryFailed(`${kind} ${name}`.trim(), err, f.id);
        }
        entryDone();
        return;
      }
      case FrameType.REPLY: {
        if (hostCallsOut > 0) hostCallsOut--;
        if (!settleRef || !cfg) {
          entryDone();
          return;
        }
        try {
          // No isolated-vm timeout here either (see CALL): a continuation is held to spinMs by the
          // kernel's spin watch and to the deadline of any call waiting on it, as a call is.
          settleRef.applySync(undefined, [f.id, f.aux === 1, f.body.toString('utf8')]);
        } catch (err) {
          entryFailed('host-call continuation', err);
        }
        entryDone();
        return;
      }
      case FrameType.LOAD: {
        if (isolate) {
          die('second LOAD', 'protocol');
          return;
        }
        try {
          load(JSON.parse(f.body.toString('utf8')) as HostLoadConfig);
        } catch (err) {
          entryFailed('load', err);
        }
        return;
      }
      case FrameType.STATS_REQ: {
        const heap = isolate && !isolate.isDisposed ? isolate.getHeapStatisticsSync() : undefined;
        const mem = process.memoryUsage();
        writer.send(
          FrameType.STATS,
          f.id,
          done,
          '',
          JSON.stringify({
            heapUsedBytes: heap?.used_heap_size ?? 0,
            heapTotalBytes: heap?.total_heap_size ?? 0,
            externalBytes: heap?.externally_allocated_size ?? 0,
            rssBytes: mem.rss,
          }),
        );
        return;
      }
      case FrameType.STOP: {
        dying = true;
        settle?.close();
        try {
          isolate?.dispose();
        } catch {
          // already disposed
        }
        writer.flush();
        sock.end(() => process.exit(0));
        setTimeout(() => process.exit(0), 200);
        return;
      }
      default:
        die(`unknown frame type ${f.type}`, 'protocol');
    }
  };

  // A chunk's answers leave as soon as its frames are handled (answerPerChunk), not a loop phase later.
  const read = createFrameReader({
    maxFrameBytes: MAX_KERNEL_FRAME,
    onFrame,
    onViolation: (r) => die(r, 'protocol'),
  });
  sock.on('data', answerPerChunk(read, writer));
  // The kernel is gone (or closed our channel): nothing left to serve.
  sock.on('error', () => process.exit(0));
  sock.on('close', () => process.exit(0));
  writer.send(FrameType.READY, 0, done, '', JSON.stringify({ pid: process.pid }));
}
