import { z } from 'zod';
import { sessionsConfigSchema, slurmConfigSchema } from '../sessions/sessions-config.js';
import { certSha256 } from './cert-sha256.js';

/** A node name: what operators see in `omega nodes list` (DNS-label-like, so it fits a TXT record). */
export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** A kernel URL: http(s) for the kernel's base URL, or ws(s) for the same. */
const serverUrl = z
  .string()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (
        ['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol) && u.username === '' && u.password === ''
      );
    } catch {
      return false;
    }
  }, 'must be the kernel URL, http(s)://host:port or ws(s)://host:port, without credentials');

/** A network interface name (Linux IFNAMSIZ is 16 with the NUL). */
const interfaceName = z.string().regex(/^[A-Za-z0-9._@-]{1,15}$/, 'must be a network interface name');

/** The agent's configuration: config file, then OMEGA_AGENT_* environment, then flags. */
export const agentConfigSchema = z
  .object({
    /** The kernel to join (absent: discovery mode, unless the data dir already holds a server). */
    server: serverUrl.optional(),
    /** A join token (first start only; the identity in the data dir is used after). */
    joinToken: z
      .string()
      .min(8, 'is too short to be a join token (omega nodes token create prints one)')
      .max(512, 'is too long to be a join token (at most 512 characters)')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII')
      .optional(),
    /** A file holding the join token (keeps it out of `ps` and the environment). */
    joinTokenFile: z.string().min(1).optional(),
    /** Pinned SHA-256 of the kernel's certificate for an https server. */
    certSha256: certSha256.optional(),
    /** The node's name (default: the hostname). */
    name: z.string().regex(NODE_NAME, 'must be 1–63 letters, digits, dot, dash or underscore').optional(),
    /** Where identity, pins and the command journal live (0700). */
    dataDir: z.string().min(1),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    discovery: z
      .object({
        /** Advertise over mDNS and accept an invitation when started with nothing to join. */
        enabled: z.boolean().default(true),
        /** Interfaces to advertise and listen on (default: all). Tests give only their own bridge. */
        interfaces: z.array(interfaceName).max(32).default([]),
        /** Port of the approval listener (POST /omega/invite); 0 picks a free one. */
        port: z.number().int().min(0).max(65535).default(7701),
      })
      .prefault({}),
    /** Capacity to report instead of what the machine has (to give namespaced test nodes distinct sizes). */
    capacity: z
      .object({
        cores: z.number().int().positive().max(1_000_000).optional(),
        threads: z.number().int().positive().max(1_000_000).optional(),
        memoryBytes: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    /** The resource reporters (docs/resources.md): `resources.summary` and `net.interfaces` reports. */
    resources: z
      .object({
        enabled: z.boolean().default(true),
        /** Seconds between reports (health and throttling changes are sent at once). */
        reportEverySec: z.number().int().min(1).max(3600).default(60),
      })
      .prefault({}),
    /** The network probe (docs/network.md): a UDP echo responder and the rounds of the plugin's plan. */
    netprobe: z
      .object({
        enabled: z.boolean().default(true),
        /** UDP port of the responder; 0 picks a free one (when the port is taken, a free one is used). */
        port: z.number().int().min(0).max(65535).default(7799),
        /** Address to bind (default all). */
        host: z.union([z.ipv4(), z.ipv6()]).optional(),
        /** Address peers probe (default: this machine's source address toward the kernel). */
        advertiseAddress: z.union([z.ipv4(), z.ipv6()]).optional(),
      })
      .prefault({}),
    /** Seconds between specs re-reads (sent only when they changed). */
    specsIntervalSec: z.number().int().min(5).max(86_400).default(60),
    /** The session executor (agent/src/sessions). */
    sessions: sessionsConfigSchema,
    /** Slurm submit host (agent/src/sessions): absent unless configured. */
    slurm: slurmConfigSchema,
  })
  .strict();

/** The validated agent configuration. */
export type AgentConfig = z.infer<typeof agentConfigSchema>;
/** What a file, the environment or flags may say. */
export type AgentConfigInput = z.input<typeof agentConfigSchema>;
