import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LabHost, NetnsLab } from '../../substrate/netns.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** The agent's program, run from its sources (as `omega-agent` runs its build). */
export const AGENT_MAIN = join(ROOT, 'agent', 'src', 'main.ts');

/** One real `omega-agent` process and what it printed. */
export interface AgentProcess {
  child: ChildProcess;
  pid: number;
  /** Every JSON log record so far. */
  logs: Array<Record<string, unknown> & { msg?: string; level?: string }>;
  /** stderr so far (operator lines). */
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until a log record matches. */
  waitLog(
    match: (r: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): void;
}

/** Options of {@link startAgent}. */
export interface StartAgentOptions {
  /** Flags of omega-agent. */
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Run inside this lab host's network namespace. */
  lab?: { lab: NetnsLab; host: LabHost };
}

/** Starts `omega-agent args…` (from source, through tsx), optionally inside a namespace. */
export function startAgent(o: StartAgentOptions): AgentProcess {
  const node = ['--conditions=source', '--import', TSX, AGENT_MAIN, ...o.args];
  const env = { ...process.env, NO_COLOR: '1', ...o.env };
  const child = o.lab
    ? o.lab.lab.spawn(o.lab.host, process.execPath, node, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, node, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: AgentProcess['logs'] = [];
  let err = '';
  let partial = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (d: Buffer) => {
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as AgentProcess['logs'][number]);
      } catch {
        logs.push({ msg: line });
      }
    }
    for (const w of waiters) w();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid!,
    logs,
    stderr: () => err,
    exited,
    waitLog(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = logs.find(match);
          if (hit) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(hit);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const recent = logs.slice(-12).map((r) => `${r.time ?? ''} ${r.msg ?? ''} ${r.code ?? ''}`);
          reject(
            new Error(
              `no matching agent log within ${timeoutMs} ms; last logs:\n${recent.join('\n')}\nstderr: ${err.slice(-500)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    kill(signal = 'SIGTERM') {
      child.kill(signal);
    },
  };
}
