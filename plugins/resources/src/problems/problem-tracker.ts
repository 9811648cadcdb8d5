import { isoTime } from '@omega/sdk';
import type { ResourceProblem } from '../contract.js';
import type { FoundProblem } from './find-problems.js';

/** What changed when a node's problems were updated. */
export interface ProblemChanges {
  raised: ResourceProblem[];
  cleared: ResourceProblem[];
}

const keyOf = (p: { kind: string; subject: string }) => `${p.kind}\u0000${p.subject}`;

/**
 * Each node's current problems, with since when each holds. A problem keeps its `since` while it
 * lasts (its message and severity follow the newest summary); one that is no longer found is
 * cleared. The changes are what the plugin publishes as `resources.problem.raised|cleared`.
 */
export class ProblemTracker {
  private readonly byNode = new Map<string, Map<string, ResourceProblem>>();

  /** Replaces `node`'s problems with `found` (judged at `now`). */
  update(node: string, found: readonly FoundProblem[], now: number): ProblemChanges {
    const before = this.byNode.get(node) ?? new Map<string, ResourceProblem>();
    const after = new Map<string, ResourceProblem>();
    const raised: ResourceProblem[] = [];
    for (const f of found) {
      const k = keyOf(f);
      if (after.has(k)) continue;
      const known = before.get(k);
      const p: ResourceProblem = { ...f, since: known?.since ?? isoTime(now) };
      after.set(k, p);
      if (!known || known.severity !== p.severity) raised.push(p);
    }
    const cleared = [...before.entries()].filter(([k]) => !after.has(k)).map(([, p]) => p);
    if (after.size > 0) this.byNode.set(node, after);
    else this.byNode.delete(node);
    return { raised, cleared };
  }

  /** A node's problems, most severe first. */
  of(node: string): ResourceProblem[] {
    const rank = { critical: 0, warning: 1, info: 2 };
    return [...(this.byNode.get(node)?.values() ?? [])].sort((a, b) => rank[a.severity] - rank[b.severity]);
  }

  /** Forgets a node (removed from the registry); answers its problems, now cleared. */
  forget(node: string): ResourceProblem[] {
    const list = this.of(node);
    this.byNode.delete(node);
    return list;
  }

  /** Every node with problems. */
  nodes(): string[] {
    return [...this.byNode.keys()];
  }
}
