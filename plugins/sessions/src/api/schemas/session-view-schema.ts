import { z } from 'zod';
import { SESSION_STATES } from '../../contract.js';

/*
 * What the sessions API answers, as response schemas (documented in the OpenAPI document, checked
 * against real answers by plugins/sessions/test/route-schemas.test.ts). Closed objects where the
 * plugin builds the shape; loose where an agent or Slurm reports it.
 */

const iso = z.string().describe('ISO 8601 time');
const int = () => z.number().int();
/** Every session state, in lifecycle order. */
export const sessionState = z.enum(SESSION_STATES as [string, ...string[]]);

/** A usage sample (cumulative counters; null where the node has no such counter). */
export const sessionUsage = z.looseObject({
  at: iso,
  cpuUserSec: z.number(),
  cpuSystemSec: z.number(),
  cpuTotalSec: z.number(),
  throttledSec: z.number().nullable(),
  memoryCurrentBytes: z.number().nullable(),
  memoryPeakBytes: z.number().nullable(),
  pidsCurrent: z.number().nullable(),
  source: z.enum(['cgroup', 'proc', 'slurm']),
});

const spec = z
  .looseObject({
    name: z.string(),
    command: z.string().optional(),
    args: z.array(z.string()),
    script: z.string().optional(),
    env: z.record(z.string(), z.string()),
    cwd: z.string().optional(),
    resources: z.looseObject({
      cores: int().optional(),
      millicores: int().optional(),
      memoryBytes: int(),
      gpus: int(),
      gpuModel: z.string().optional(),
      pidsMax: int().optional(),
      diskBytes: int().optional(),
    }),
    nodeSelector: z.string(),
    priority: int(),
    timeLimitSec: int().optional(),
    placement: z.enum(['binpack', 'spread']),
    target: z.looseObject({ kind: z.enum(['agents', 'slurm']), partition: z.string().optional() }),
    enforcement: z.enum(['required', 'best-effort']),
  })
  .describe('What was asked, validated, with the defaults applied');

const status = z
  .looseObject({
    state: sessionState,
    reason: z.string().describe('Why it is in this state, in words'),
    since: iso,
    placement: z
      .looseObject({
        node: z.string(),
        nodeName: z.string(),
        cpus: z.array(int()).optional(),
        mems: z.array(int()).optional(),
        millicores: int(),
        memoryBytes: int(),
        gpus: z.array(int()),
      })
      .optional(),
    attempts: int(),
    startedAt: iso.optional(),
    endedAt: iso.optional(),
    exit: z
      .looseObject({ code: int().nullable(), signal: z.string().nullable(), coreDumped: z.boolean() })
      .optional(),
    usage: sessionUsage.optional(),
    peakMemoryBytes: z.number().optional(),
    cancelledBy: z.string().optional(),
    enforcement: z.array(z.string()).optional().describe('What the node enforces, one line each'),
    pauseMethod: z.string().optional(),
    slurm: z
      .looseObject({
        jobId: z.string(),
        state: z.string(),
        reason: z.string().nullable(),
        nodes: z.array(z.string()),
      })
      .optional(),
  })
  .describe('What the session is now');

/** A session as the API shows it. */
export const sessionView = z.object({
  id: z.string(),
  version: int(),
  owner: z.object({ id: z.string(), name: z.string() }),
  spec,
  status,
  history: z.array(z.object({ state: sessionState, reason: z.string(), at: iso })),
  createdAt: iso,
  updatedAt: iso,
});

/** One quota. */
export const quotaView = z.object({
  scope: z.enum(['user', 'role']),
  name: z.string(),
  limits: z.object({
    cores: z.number().optional(),
    memoryBytes: int().optional(),
    gpus: int().optional(),
    sessions: int().optional(),
  }),
  version: int().describe('Send it back with a PUT: a stale one is a 409'),
  updatedBy: z.string(),
  updatedAt: iso,
});

const totals = { millicores: int(), memoryBytes: int(), gpus: int(), sessions: int() };
const durations = {
  leftLostAfterMs: int(),
  retentionMs: int(),
  defaultGraceMs: int(),
};
const settings = z.object({ placement: z.enum(['binpack', 'spread']), ...durations });
const range = z.array(int()).length(2);

/** The sessions plugin's settings, their defaults and ranges. */
export const settingsView = z.object({
  id: z.literal('sessions'),
  version: int().describe('Send it back with a PATCH: a stale one is a 409'),
  settings,
  defaults: settings,
  ranges: z
    .object({ leftLostAfterMs: range, retentionMs: range, defaultGraceMs: range })
    .describe('Each duration setting’s [min, max], ms'),
  updatedAt: iso.optional(),
  updatedBy: z.string().optional(),
});

/** What the active agent sessions hold, in total and per node. */
export const allocationView = z.object({
  at: iso,
  total: z.object(totals),
  nodes: z.array(z.object({ node: z.string(), ...totals })),
});

const limit = z.object({
  limit: z.number(),
  quota: z.object({ scope: z.enum(['user', 'role']), name: z.string() }),
});

/** The limits in force for the caller and their use. */
export const myQuotaView = z.object({
  user: z.string(),
  roles: z.array(z.string()),
  limits: z
    .object({
      sessions: limit.optional(),
      cores: limit.optional(),
      memoryBytes: limit.optional(),
      gpus: limit.optional(),
    })
    .describe('Per field, the limit and the quota that sets it; a field nobody sets is unlimited'),
  used: z.object({ cores: z.number(), memoryBytes: int(), gpus: int(), sessions: int() }),
});

/** A dry run of starting N copies. */
export const planView = z.object({
  at: iso,
  count: int(),
  target: z.enum(['agents', 'slurm']),
  queuedAhead: int().optional().describe('Sessions already waiting that start before the copies'),
  placed: int(),
  waiting: int(),
  items: z.array(
    z.object({
      copy: int(),
      placed: z.boolean(),
      node: z.string().optional(),
      nodeName: z.string().optional(),
      cpus: z.array(int()).optional(),
      gpus: z.array(int()).optional(),
      reason: z.string().describe('Where it would start, or why it would wait'),
    }),
  ),
});

/** A window of a session's output. */
export const logsView = z.looseObject({
  stream: z.enum(['stdout', 'stderr']),
  offset: int(),
  nextOffset: int().describe('Where the next call starts'),
  data: z.string().describe('The bytes, base64'),
  skippedBytes: int().describe('Bytes rotated away before offset'),
  startOffset: int(),
  endOffset: int(),
  ended: z.boolean(),
  encoding: z.literal('base64'),
  state: sessionState,
});

/** Usage of one session. */
export const usageView = z.object({
  id: z.string(),
  state: sessionState,
  usage: sessionUsage.nullable(),
  peakMemoryBytes: z.number().nullable(),
  limits: z.object({ memoryBytes: int(), cores: int().nullable(), millicores: int().nullable() }),
  series: z.string().describe('The metrics plugin series of its history'),
});
