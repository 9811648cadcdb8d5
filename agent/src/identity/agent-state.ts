import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { agentError } from '../errors/index.js';
import { writePrivateFile } from './write-private-file.js';

/** What the agent remembers of the kernel it joined (agent.json in the data dir, 0600). */
export interface AgentState {
  version: 1;
  /** The node id the kernel gave at join. */
  node: string;
  name: string;
  /** The kernel URL it joined (resume goes there). */
  server: string;
  /** The kernel's Ed25519 signing keys pinned from `welcome`: a challenge none of them signed is refused. */
  kernelKeys: Array<{ kid: string; publicKey: string }>;
  /** The pinned SHA-256 (base64url) of the kernel's TLS certificate, for an https server. */
  certSha256?: string;
  joinedAt: string;
}

/** The state file's name in the data directory. */
export const AGENT_STATE_FILE = 'agent.json';

const stateSchema = z.object({
  version: z.literal(1),
  node: z.string().min(1).max(128),
  name: z.string().min(1).max(128),
  server: z.string().min(1).max(2048),
  kernelKeys: z
    .array(z.object({ kid: z.string().min(1).max(128), publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }))
    .min(1)
    .max(16),
  certSha256: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .optional(),
  joinedAt: z.string(),
});

/** The state of a joined agent, or undefined before the first join. Corrupt or open to others: refused. */
export function readAgentState(dataDir: string): AgentState | undefined {
  const file = join(dataDir, AGENT_STATE_FILE);
  if (!existsSync(file)) return undefined;
  if ((statSync(file).mode & 0o077) !== 0) {
    throw agentError(
      'OMEGA_ERR_AGENT_IDENTITY',
      `${file} is readable by group or others; run chmod 600 ${file}.`,
      {
        path: file,
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw agentError('OMEGA_ERR_AGENT_IDENTITY', `${file} is not valid JSON: ${(err as Error).message}.`, {
      path: file,
    });
  }
  const result = stateSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw agentError(
      'OMEGA_ERR_AGENT_IDENTITY',
      `${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}.`,
      {
        path: file,
      },
    );
  }
  return result.data as AgentState;
}

/** Writes the state atomically (0600). */
export function writeAgentState(dataDir: string, state: AgentState): void {
  writePrivateFile(join(dataDir, AGENT_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}
