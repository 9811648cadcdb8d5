import { type SessionsUsageEvent, type SessionUsage, USAGE_FIELDS } from '../contract.js';
import { SESSIONS_TOPICS } from '../event-topics.js';
import type { Outbox } from '../publish/outbox.js';

/** Largest `sessions.usage` event, bytes of JSON (the bus takes 64 KiB). */
const MAX_EVENT_BYTES = 60_000;
/** Live sessions followed at once (the newest sample of each is kept). */
const MAX_LIVE = 100_000;

interface Live {
  node: string;
  owner: string;
  usage: SessionUsage;
  fresh: boolean;
}

/**
 * The newest usage sample of each running session, from the agents' 1 s `session.usage`
 * reports; published as batched `sessions.usage` events (the metrics plugin records them as
 * series keyed by `session`). Memory holds one sample per live session; an ended session's
 * entry is dropped with its end.
 */
export class LiveUsage {
  private readonly live = new Map<string, Live>();

  constructor(private readonly out: Outbox) {}

  /** Records a sample of session `id` on node `node` (name) for `owner`. */
  set(id: string, node: string, owner: string, usage: SessionUsage): void {
    if (!this.live.has(id) && this.live.size >= MAX_LIVE) return;
    this.live.set(id, { node, owner, usage, fresh: true });
  }

  get(id: string): SessionUsage | undefined {
    return this.live.get(id)?.usage;
  }

  /** The session ended: its live sample goes (its final usage is in its status). */
  end(id: string): void {
    this.live.delete(id);
  }

  /** Publishes the samples that arrived since the last call, in events of at most 60 KB. */
  publish(at: number): void {
    let rows: SessionsUsageEvent['rows'] = [];
    let bytes = 200;
    const flush = () => {
      if (rows.length === 0) return;
      const data: SessionsUsageEvent = { at, fields: USAGE_FIELDS, rows };
      this.out.publish(SESSIONS_TOPICS.usage, data, true);
      rows = [];
      bytes = 200;
    };
    for (const [id, l] of this.live) {
      if (!l.fresh) continue;
      l.fresh = false;
      const u = l.usage;
      const row: SessionsUsageEvent['rows'][number] = [
        id,
        l.node,
        l.owner,
        u.cpuUserSec,
        u.cpuSystemSec,
        u.throttledSec,
        u.memoryCurrentBytes,
        u.memoryPeakBytes,
        u.pidsCurrent,
      ];
      const size = JSON.stringify(row).length + 1;
      if (bytes + size > MAX_EVENT_BYTES) flush();
      rows.push(row);
      bytes += size;
    }
    flush();
  }
}
