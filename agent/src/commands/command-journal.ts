import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { CommandOutcome } from '../wire/agent-messages.js';

/** One command the agent has seen: when it began and, once done, its outcome. */
export interface JournalEntry {
  id: string;
  op: string;
  at: number;
  outcome?: CommandOutcome;
}

/** Bounds of the journal (docs/agent-protocol.md: the last 10,000, or 24 h). */
export interface JournalLimits {
  maxEntries: number;
  maxAgeMs: number;
  /** Bytes of stored outcomes kept at most (oldest dropped first). */
  maxBytes: number;
}

/** The defaults: 10,000 ids, 24 h, 64 MiB of results. */
export const JOURNAL_LIMITS: JournalLimits = {
  maxEntries: 10_000,
  maxAgeMs: 24 * 3_600_000,
  maxBytes: 64 * 1024 * 1024,
};

/** The persisted record of executed commands that makes them at-most-once per id. */
export interface CommandJournal {
  get(id: string): JournalEntry | undefined;
  /** Records that `id` starts, durably (fsync) before the op runs. */
  begin(id: string, op: string): JournalEntry;
  /** Records the outcome. */
  finish(id: string, outcome: CommandOutcome): void;
  size(): number;
  close(): void;
}

type Line = { b: string; op: string; at: number } | { f: string; outcome: CommandOutcome };

/** The outcome recorded for a command that was running when an earlier agent process ended. */
export const INTERRUPTED: CommandOutcome = {
  ok: false,
  error: {
    code: 'OMEGA_ERR_AGENT_INTERRUPTED',
    message: 'The agent stopped while this command ran; it may or may not have taken effect.',
  },
};

/**
 * Opens (or creates) the journal at `file`: an append-only JSON-lines file of `begin` and
 * `finish` records, replayed at open (a torn last line is ignored), compacted by rewriting it
 * atomically when it holds twice what it must keep. Commands begun by an earlier process and
 * never finished are closed as {@link INTERRUPTED}: running them again could run them twice.
 */
export function openCommandJournal(
  file: string,
  limits: Partial<JournalLimits> = {},
  now: () => number = Date.now,
): CommandJournal {
  const lim = { ...JOURNAL_LIMITS, ...limits };
  const entries = new Map<string, JournalEntry>();
  const sizes = new Map<string, number>();
  let bytes = 0;
  let lines = 0;

  const setOutcome = (e: JournalEntry, outcome: CommandOutcome) => {
    const n = JSON.stringify(outcome).length;
    bytes += n - (sizes.get(e.id) ?? 0);
    sizes.set(e.id, n);
    e.outcome = outcome;
  };
  const drop = (id: string) => {
    bytes -= sizes.get(id) ?? 0;
    sizes.delete(id);
    entries.delete(id);
  };
  const prune = () => {
    const cutoff = now() - lim.maxAgeMs;
    for (const [id, e] of entries) {
      if (entries.size <= lim.maxEntries && e.at >= cutoff && bytes <= lim.maxBytes) break;
      if (!e.outcome) continue; // never forget a command that is still running
      drop(id);
    }
  };

  if (existsSync(file)) {
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (!text) continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        continue; // a torn write at the end
      }
      if ('b' in line) {
        drop(line.b);
        entries.set(line.b, { id: line.b, op: line.op, at: line.at });
      } else if ('f' in line) {
        const e = entries.get(line.f);
        if (e) setOutcome(e, line.outcome);
      }
    }
  }
  const interrupted = [...entries.values()].filter((e) => !e.outcome);
  for (const e of interrupted) setOutcome(e, INTERRUPTED);
  prune();

  let fd = -1;
  const rewrite = () => {
    const tmp = `${file}.tmp`;
    const out = openSync(tmp, 'w', 0o600);
    try {
      const chunks: string[] = [];
      for (const e of entries.values()) {
        chunks.push(JSON.stringify({ b: e.id, op: e.op, at: e.at }));
        if (e.outcome) chunks.push(JSON.stringify({ f: e.id, outcome: e.outcome }));
      }
      writeSync(out, chunks.length ? `${chunks.join('\n')}\n` : '');
      fsyncSync(out);
    } finally {
      closeSync(out);
    }
    if (fd >= 0) closeSync(fd);
    renameSync(tmp, file);
    fd = openSync(file, 'a', 0o600);
    lines = entries.size * 2;
  };
  rewrite();

  const append = (line: Line, durable: boolean) => {
    if (fd < 0) return; // closed: the agent is stopping
    writeSync(fd, `${JSON.stringify(line)}\n`);
    if (durable) fsyncSync(fd);
    lines++;
    if (lines > 2 * lim.maxEntries + 1000) {
      prune();
      rewrite();
    }
  };

  return {
    get: (id) => entries.get(id),
    begin(id, op) {
      const e: JournalEntry = { id, op, at: now() };
      entries.set(id, e);
      append({ b: id, op, at: e.at }, true);
      prune();
      return e;
    },
    finish(id, outcome) {
      const e = entries.get(id);
      if (!e) return;
      setOutcome(e, outcome);
      append({ f: id, outcome }, false);
    },
    size: () => entries.size,
    close() {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
  };
}
