import type { CommandArgs, CommandResult } from '@omega/plugin-nodes/contract';
import { sanitizeJson } from '../reports/sanitize-json.js';

/** Sections of a node's detail. */
export const SECTIONS = ['numa', 'thermal', 'storage', 'health'] as const;
/** One section. */
export type Section = (typeof SECTIONS)[number];

/** A detail as served: the agent's answer, when it was read, and whether it is an old one. */
export interface FetchedDetail {
  at: number;
  sections: Section[];
  detail: unknown;
  /** Present when the node could not answer now and this is the last detail read. */
  stale?: { reason: string; code: string };
}

/** Requests that ask for the same node and sections within this window share one command. */
const BUCKET_MS = 5_000;
/** Details kept for "the last one read" answers. */
const KEPT = 256;

/**
 * Reads a node's full detail (`resources.detail` on its agent, through `nodes.command`) when an
 * operator asks for it — never periodically, so its size costs nothing while nobody looks.
 * Requests within 5 s share one command id (the nodes plugin answers repeats from its record);
 * when the node cannot answer, the last detail read is served, marked stale with the reason.
 */
export class DetailFetcher {
  private readonly last = new Map<string, FetchedDetail>();

  constructor(private readonly command: (args: CommandArgs) => Promise<CommandResult>) {}

  async get(node: string, sections: Section[], now = Date.now()): Promise<FetchedDetail> {
    const key = sections.length === 0 ? 'all' : [...sections].sort().join('-');
    const id = `rd.${node}.${key}.${Math.floor(now / BUCKET_MS)}`;
    try {
      const r = await this.command({
        node,
        id,
        op: 'resources.detail',
        args: { sections },
        timeoutMs: 15_000,
      });
      if (!r.ok)
        throw {
          code: r.error?.code ?? 'OMEGA_ERR_UNAVAILABLE',
          message: r.error?.message ?? 'the agent refused',
        };
      const fetched: FetchedDetail = {
        at: now,
        sections,
        detail: sanitizeJson(r.data, { depth: 12, stringChars: 512, items: 4096 }),
      };
      this.last.delete(node);
      this.last.set(node, fetched);
      if (this.last.size > KEPT) this.last.delete(this.last.keys().next().value!);
      return fetched;
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      const code = typeof e?.code === 'string' ? e.code : 'OMEGA_ERR_UNAVAILABLE';
      const reason = typeof e?.message === 'string' ? e.message : 'the node did not answer';
      const known = this.last.get(node);
      if (
        known &&
        (sections.length === 0
          ? known.sections.length === 0
          : sections.every((s) => known.sections.length === 0 || known.sections.includes(s)))
      )
        return { ...known, stale: { code, reason } };
      throw { code, message: reason };
    }
  }
}
