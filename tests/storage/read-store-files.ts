import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A record as stored. */
export interface DiskRecord {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  value: unknown;
}

/** One journal frame read independently of kernel/storage (format in docs/storage.md). */
export interface DiskFrame {
  seq: number;
  lines: string[];
  bytes: number;
}

/** CRC-32 (IEEE), bit by bit: slow, and written here so the check does not reuse the kernel's code. */
function crc32(data: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** Parses a journal file by the documented layout; stops at the first frame that does not check out. */
export function parseFrames(buf: Buffer): { frames: DiskFrame[]; end: number } {
  const frames: DiskFrame[] = [];
  let at = 0;
  while (at + 20 <= buf.length) {
    if (buf[at] !== 0xfe || buf.toString('latin1', at + 1, at + 4) !== 'OJ1') break;
    const len = buf.readUInt32LE(at + 4);
    if (at + 20 + len > buf.length) break;
    const payload = buf.subarray(at + 20, at + 20 + len);
    const crc = crc32(payload, crc32(buf.subarray(at + 4, at + 16)));
    if (crc >>> 0 !== buf.readUInt32LE(at + 16)) break;
    const seq = buf.readUInt32LE(at + 8) + buf.readUInt32LE(at + 12) * 2 ** 32;
    frames.push({ seq, lines: len === 0 ? [] : payload.toString('utf8').split('\n'), bytes: 20 + len });
    at += 20 + len;
  }
  return { frames, end: at };
}

/** Journal segment files of `ns` in `storageDir`, oldest first. */
export async function journalFiles(storageDir: string, ns: string): Promise<string[]> {
  const re = new RegExp(`^${ns}\\.(\\d+)\\.journal$`);
  return (await readdir(storageDir))
    .map((n) => [n, re.exec(n)?.[1]] as const)
    .filter(([, g]) => g !== undefined)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map(([n]) => join(storageDir, n));
}

/**
 * What the files of namespace `ns` under `dataDir` hold, computed without kernel/storage:
 * the snapshot, then every journal frame after its `through`, applied in order.
 */
export async function readNamespaceOnDisk(
  dataDir: string,
  ns: string,
): Promise<Map<string, Map<string, DiskRecord>>> {
  const dir = join(dataDir, 'storage');
  const state = new Map<string, Map<string, DiskRecord>>();
  let through = 0;
  try {
    const doc = JSON.parse(await readFile(join(dir, `${ns}.json`), 'utf8')) as {
      through?: number;
      collections: Record<string, Record<string, DiskRecord>>;
    };
    through = doc.through ?? 0;
    for (const [name, records] of Object.entries(doc.collections))
      state.set(name, new Map(Object.entries(records)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const file of await journalFiles(dir, ns)) {
    for (const frame of parseFrames(await readFile(file)).frames) {
      if (frame.seq <= through) continue;
      for (const line of frame.lines) {
        const op = JSON.parse(line) as { set?: string; delete?: string; record?: DiskRecord; id?: string };
        const name = (op.set ?? op.delete)!;
        if (!state.has(name)) state.set(name, new Map());
        if (op.set) state.get(name)!.set(op.record!.id, op.record!);
        else state.get(name)!.delete(op.id!);
      }
    }
  }
  return state;
}

/** The namespace's size as the quota defines it (`"<id>":<record JSON>` per record), from its files. */
export async function quotaBytesOnDisk(dataDir: string, ns: string): Promise<number> {
  let bytes = 0;
  for (const records of (await readNamespaceOnDisk(dataDir, ns)).values()) {
    for (const [id, record] of records) {
      bytes += Buffer.byteLength(`${JSON.stringify(id)}:${JSON.stringify(record)}`, 'utf8');
    }
  }
  return bytes;
}
