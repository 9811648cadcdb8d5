import { z } from 'zod';
import { sinksSchema } from '../sinks/sink-config.js';
import { uiOriginProblems } from './panel-origin-pattern.js';

const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();

/** The kernel configuration: file, then environment, then flags, each overriding the last. */
export const configSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(7700),
    dataDir: z.string().min(1).default('./data'),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** A request at least this slow gets its own log line (warn), whatever its status. */
        slowRequestMs: positiveInt.default(1000),
        /** Successful requests are summarised in one info line per interval (seconds); each has a line only at debug. */
        requestSummarySec: positiveInt.default(60),
      })
      .prefault({}),
    tls: z
      .object({ cert: z.string().min(1), key: z.string().min(1) })
      .optional()
      .describe('PEM file paths; when set, the kernel serves HTTPS'),
    http: z
      .object({
        bodyLimitBytes: positiveInt.default(1024 * 1024),
        /** The whole request (headers and body) must arrive within this long, else 408 and the connection closes. */
        requestTimeoutMs: z.number().int().min(1000).max(3_600_000).default(60_000),
        shutdownGraceMs: positiveInt.default(10_000),
      })
      .prefault({}),
    auth: z
      .object({
        /** A static admin bearer token (until the security plugin provides users). */
        adminToken: z.string().min(16).optional(),
      })
      .prefault({}),
    bus: z
      .object({
        replayMaxEvents: positiveInt.default(10_000),
        replayMaxAgeMs: positiveInt.default(5 * 60_000),
        subscriberQueueMax: positiveInt.default(1_000),
      })
      .prefault({}),
    ws: z
      .object({
        pingIntervalMs: positiveInt.default(30_000),
        maxBufferedBytes: positiveInt.default(4 * 1024 * 1024),
      })
      .prefault({}),
    agents: z
      .object({
        /** How often agents heartbeat (told to each agent at its handshake). */
        heartbeatMs: z.number().int().min(200).max(300_000).default(5_000),
        /** The URL agents reach this kernel at (join tokens and invitations carry it); default: the listening URL. */
        publicUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** Most handshakes in progress at once (unauthenticated sockets are bounded). */
        maxPendingHandshakes: positiveInt.default(512),
        discovery: z
          .object({
            /** Browse the LAN for agents announcing _omega-agent._tcp (mDNS). */
            enabled: z.boolean().default(false),
            /** Addresses of the interfaces to browse on (default: the system's choice). */
            interfaces: z.array(z.ipv4()).max(16).default([]),
          })
          .prefault({}),
      })
      .prefault({}),
    /** Where events go beyond the stream: webhook receivers and syslog servers (docs/events.md). */
    sinks: sinksSchema,
    system: z
      .object({
        /** Reads within cacheMs share one result: below the metrics plugin's 1 s period, so a tick a few ms early still reads fresh. */
        cacheMs: positiveInt.default(500),
        /**
         * Filesystem usage (statfs of every mount) is read at most this often, ms; the disk area
         * reuses the last values in between (`filesystemsAt` says when they were read). 0 or 1000
         * reads it on every 1 s read.
         */
        filesystemsRecheckMs: z.number().int().min(0).max(3_600_000).default(5000),
      })
      .prefault({}),
    /** Where browsers reach the dashboard and plugin panels (docs/plugin-ui.md, "Panels for remote browsers"). */
    ui: z
      .object({
        /**
         * The origin operators' browsers open the dashboard at, e.g. `https://omega.example.com`
         * (https unless loopback). Panels on the configured panel origin may be framed only by it.
         */
        publicOrigin: z.string().min(1).max(300).optional(),
        /**
         * Where a plugin's panels are served for remote browsers: an origin whose host's first
         * label is `{plugin}`, e.g. `https://{plugin}.panels.example.com` (a wildcard DNS name and
         * certificate). Panels are also served on `<plugin>.localhost` for a browser on this machine.
         */
        panelOrigin: z.string().min(1).max(300).optional(),
      })
      .strict()
      .superRefine((ui, ctx) => {
        for (const p of uiOriginProblems(ui))
          ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
      })
      .transform((ui) => ({
        ...ui,
        ...(ui.publicOrigin === undefined ? {} : { publicOrigin: new URL(ui.publicOrigin).origin }),
      }))
      .prefault({}),
    plugins: z
      .object({
        /** Bundled plugin folders (default: the repository's plugins/). */
        dirs: z.array(z.string().min(1)).optional(),
        /** The installed-plugins store (default: <dataDir>/plugins). */
        installedDir: z.string().min(1).optional(),
        /** The operator's grants file (default: <dataDir>/grants.json, seeded from plugins/grants.json). */
        grantsFile: z.string().min(1).optional(),
        /** Plugin-host processes kept spawned and ready, so starts and restarts skip Node's start-up. */
        warmHosts: z.number().int().min(0).max(8).default(1),
        /** Let plugins fetch private and loopback addresses (off: only public addresses). */
        fetchAllowPrivate: z.boolean().default(false),
        /** Most MiB each plugin's storage namespace may hold; writes past it fail with OMEGA_ERR_PLUGIN_LIMIT. */
        storageQuotaMb: z.number().positive().max(1_048_576).default(64),
      })
      .prefault({}),
  })
  .strict();

/** The validated kernel configuration. */
export type KernelConfig = z.infer<typeof configSchema>;
/** What a config file, env or flags may say (everything optional). */
export type KernelConfigInput = z.input<typeof configSchema>;
