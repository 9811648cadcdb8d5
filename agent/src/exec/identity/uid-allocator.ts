import { readdirSync, statSync } from 'node:fs';
import { execError } from '../errors/index.js';

/**
 * The uids running processes on this machine, one stat() per /proc entry (a /proc/<pid> directory
 * belongs to its process's effective uid; sessions never have a real uid different from it).
 */
export function liveUids(): Set<number> {
  const out = new Set<number>();
  for (const n of readdirSync('/proc')) {
    if (n.charCodeAt(0) < 48 || n.charCodeAt(0) > 57) continue;
    try {
      out.add(statSync(`/proc/${n}`).uid);
    } catch {}
  }
  return out;
}

/**
 * Hands out one uid per session from the configured range, round-robin (so a uid is reused as
 * late as possible), never one that a live session holds, an account in passwd has, or a live
 * process still runs as.
 */
export class UidAllocator {
  private readonly lo: number;
  private readonly hi: number;
  private readonly taken = new Set<number>();
  private readonly accounts: Set<number>;
  private cursor: number;

  constructor(range: readonly [number, number], accountUids: Iterable<number>) {
    [this.lo, this.hi] = range;
    this.cursor = this.lo;
    this.accounts = new Set(accountUids);
  }

  /** Whether `uid` falls in the allocation range (mapped accounts there are refused). */
  inRange(uid: number): boolean {
    return uid >= this.lo && uid <= this.hi;
  }

  /** Marks a uid as held (an adopted session's). */
  reserve(uid: number): void {
    if (this.inRange(uid)) this.taken.add(uid);
  }

  release(uid: number): void {
    this.taken.delete(uid);
  }

  async allocate(): Promise<number> {
    const busy = liveUids();
    const size = this.hi - this.lo + 1;
    for (let i = 0; i < size; i++) {
      const uid = this.cursor;
      this.cursor = uid >= this.hi ? this.lo : uid + 1;
      if (this.taken.has(uid) || this.accounts.has(uid) || busy.has(uid)) continue;
      this.taken.add(uid);
      return uid;
    }
    throw execError('OMEGA_ERR_EXEC_UID_EXHAUSTED', `All ${size} uids of ${this.lo}–${this.hi} are in use.`, {
      range: [this.lo, this.hi],
    });
  }
}
