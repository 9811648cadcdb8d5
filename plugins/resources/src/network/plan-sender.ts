import type { CommandArgs, CommandResult } from '@omega/plugin-nodes/contract';
import { type PlanBody, planHash } from './plan-probes.js';

/** Where one node's plan stands. */
interface PlanState {
  id: string;
  hash: string;
  body: PlanBody;
  gen: number;
  inFlight: boolean;
  /** Epoch ms of the last send (0: never). */
  sentAt: number;
  /** The plan id the node's own report last named. */
  applied: string | null;
  lastError?: string;
}

/** Counters served with the settings. */
export interface PlanStats {
  sent: number;
  failed: number;
  inFlight: number;
}

const MAX_IN_FLIGHT = 16;

/**
 * Hands each node its probe plan through `nodes.command` (op `netprobe.plan`) and makes sure it
 * has it: the node's own `net.probe` reports name the plan it runs, and a node that runs another
 * one (it restarted, or a send was lost) is sent its plan again under a new id — an id the agent
 * has executed is never executed twice, so a re-send needs a fresh one. Sends are bounded
 * (16 at once) and a failed one waits `retryMs`.
 */
export class PlanSender {
  readonly stats: PlanStats = { sent: 0, failed: 0, inFlight: 0 };
  private readonly plans = new Map<string, PlanState>();

  constructor(
    private readonly command: (args: CommandArgs) => Promise<CommandResult>,
    private readonly retryMs = 30_000,
    private readonly onError: (node: string, message: string) => void = () => {},
  ) {}

  /** The plans every node should run now; nodes left out are forgotten. */
  setDesired(plans: ReadonlyMap<string, PlanBody>): void {
    for (const node of [...this.plans.keys()]) if (!plans.has(node)) this.plans.delete(node);
    for (const [node, body] of plans) {
      const hash = planHash(JSON.stringify(body));
      const known = this.plans.get(node);
      if (!known) {
        this.plans.set(node, {
          id: `np.${hash}.1`,
          hash,
          body,
          gen: 1,
          inFlight: false,
          sentAt: 0,
          applied: null,
        });
        continue;
      }
      if (known.hash === hash) continue;
      known.gen++;
      known.id = `np.${hash}.${known.gen}`;
      known.hash = hash;
      known.body = body;
      known.sentAt = 0;
      delete known.lastError;
    }
  }

  /** A node reported running plan `planId` (null: none) at kernel time `now`. */
  observed(node: string, planId: string | null, now: number): void {
    const p = this.plans.get(node);
    if (!p) return;
    p.applied = planId;
    if (planId === p.id || p.inFlight || p.sentAt === 0) return;
    // It runs something else although it was sent this one: after a grace of two rounds, again.
    if (now - p.sentAt > 2 * p.body.intervalMs * p.body.reportEveryRounds + 5_000) {
      p.gen++;
      p.id = `np.${p.hash}.${p.gen}`;
      p.sentAt = 0;
    }
  }

  /** Sends the plans that are due. */
  pump(now: number): void {
    for (const [node, p] of this.plans) {
      if (this.stats.inFlight >= MAX_IN_FLIGHT) return;
      if (
        p.inFlight ||
        p.applied === p.id ||
        (p.sentAt > 0 && (p.lastError === undefined || now - p.sentAt < this.retryMs))
      )
        continue;
      this.send(node, p, now);
    }
  }

  /** The plan id intended for `node`, and what it last said it runs. */
  state(node: string): { intended: string; applied: string | null; lastError?: string } | undefined {
    const p = this.plans.get(node);
    return p && { intended: p.id, applied: p.applied, ...(p.lastError ? { lastError: p.lastError } : {}) };
  }

  private send(node: string, p: PlanState, now: number): void {
    const id = p.id;
    p.inFlight = true;
    p.sentAt = now;
    this.stats.inFlight++;
    this.command({ node, id, op: 'netprobe.plan', args: { id, ...p.body }, timeoutMs: 15_000 })
      .then(
        (r) => {
          if (r.ok) {
            this.stats.sent++;
            if (this.plans.get(node)?.id === id) {
              p.applied = id;
              delete p.lastError;
            }
          } else {
            this.fail(node, p, id, `${r.error?.code ?? 'error'}: ${r.error?.message ?? 'refused'}`);
          }
        },
        (err: { code?: string; message?: string }) =>
          this.fail(node, p, id, `${err?.code ?? 'error'}: ${err?.message ?? ''}`),
      )
      .finally(() => {
        p.inFlight = false;
        this.stats.inFlight--;
      });
  }

  private fail(node: string, p: PlanState, id: string, message: string): void {
    this.stats.failed++;
    if (this.plans.get(node)?.id !== id) return;
    p.lastError = message.slice(0, 300);
    // The next try goes out under a new id: this one may have reached the agent after all.
    p.gen++;
    p.id = `np.${p.hash}.${p.gen}`;
    this.onError(node, p.lastError);
  }
}
