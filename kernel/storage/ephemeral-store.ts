import { basename } from 'node:path';
import { Low } from 'lowdb';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { DurableFileAdapter } from './durable-file.js';
import { corruptFile, writeFailed } from './storage-errors.js';
import { toJson, validateId } from './validate.js';

/** Options of {@link EphemeralStore}. */
export interface EphemeralOptions {
  /** How often a changed store is written to disk (default 5000 ms); a crash loses at most this much. */
  flushIntervalMs?: number;
}

/** Keys to JSON text: values are copied in and out by serialising. */
export type EphemeralData = Map<string, string>;

/** Serialises an ephemeral snapshot: `{"format":1,"entries":{"<key>":value,…}}`. */
export function encodeEphemeral(data: EphemeralData): string {
  const parts: string[] = [];
  for (const [key, json] of data) parts.push(`${JSON.stringify(key)}:${json}`);
  return `{"format":1,"entries":{${parts.join(',')}}}`;
}

/** Parses an ephemeral snapshot; throws OMEGA_ERR_STORAGE_CORRUPT naming `file`. */
export function decodeEphemeral(text: string, file: string): EphemeralData {
  let doc: { format?: unknown; entries?: unknown };
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw corruptFile(file, `not valid JSON: ${(err as Error).message}`);
  }
  const entries = doc?.entries;
  if (doc?.format !== 1 || typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw corruptFile(file, 'not an Omega ephemeral file of format 1');
  }
  const data: EphemeralData = new Map();
  for (const [key, value] of Object.entries(entries)) data.set(key, JSON.stringify(value));
  return data;
}

/**
 * In-memory key → JSON value store for high-rate data (samples, heartbeats), written as a
 * whole snapshot (atomic, fsynced) every `flushIntervalMs` when changed, and on close.
 * Single writes are not acknowledged to disk: a crash loses at most one interval.
 */
export class EphemeralStore {
  private readonly low: Low<EphemeralData>;
  private readonly timer: NodeJS.Timeout;
  private dirty = false;
  private closed = false;
  private writing: Promise<void> | null = null;

  constructor(
    readonly file: string,
    data: EphemeralData,
    opts: EphemeralOptions,
    private readonly logger: Logger,
  ) {
    this.low = new Low(new DurableFileAdapter(file, encodeEphemeral, decodeEphemeral), data);
    const every = opts.flushIntervalMs ?? 5000;
    if (!Number.isInteger(every) || every < 1) {
      throw omegaError('OMEGA_ERR_VALIDATION', 'flushIntervalMs must be a positive integer', {
        field: 'flushIntervalMs',
      });
    }
    this.timer = setInterval(() => {
      this.flush().catch((err) =>
        this.logger.warn({ err, file }, 'ephemeral store flush failed; will retry'),
      );
    }, every);
    this.timer.unref();
  }

  get size(): number {
    return this.low.data.size;
  }

  get<T>(key: string): T | undefined {
    this.checkOpen();
    const json = this.low.data.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  set<T>(key: string, value: T): void {
    this.checkOpen();
    validateId(key, 'key');
    this.low.data.set(key, toJson(value));
    this.dirty = true;
  }

  delete(key: string): boolean {
    this.checkOpen();
    const had = this.low.data.delete(key);
    if (had) this.dirty = true;
    return had;
  }

  /** A copy of every entry, in insertion order. */
  entries<T>(): [string, T][] {
    this.checkOpen();
    return [...this.low.data].map(([key, json]) => [key, JSON.parse(json) as T]);
  }

  /** Writes the snapshot now if anything changed since the last write. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing.catch(() => {});
    if (!this.dirty) return;
    this.dirty = false;
    const writing = this.low.write();
    this.writing = writing;
    try {
      await writing;
    } catch (err) {
      this.dirty = true;
      const cause = (err as { cause?: unknown }).cause ?? err;
      throw writeFailed(cause, `Writing ephemeral store ${basename(this.file)}`, {
        store: basename(this.file),
      });
    } finally {
      this.writing = null;
    }
  }

  /** Stops the timer, writes what changed; later calls throw OMEGA_ERR_STORAGE_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }

  private checkOpen(): void {
    if (this.closed)
      throw omegaError('OMEGA_ERR_STORAGE_CLOSED', `Ephemeral store ${basename(this.file)} is closed.`);
  }
}
