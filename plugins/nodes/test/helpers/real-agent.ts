import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..', '..', '..');

/**
 * Where the product agent's entry (`omega-agent`, agent/src/main.ts) is: in this tree once the
 * agent has landed here, else `$OMEGA_AGENT_SRC` (a checkout of the agent's sources inside this
 * repository's tree, so they resolve this tree's packages). Undefined when neither: the suites
 * that need it skip and say why.
 */
export function agentEntry(): string | undefined {
  const inTree = join(REPO, 'agent', 'src', 'main.ts');
  if (existsSync(join(REPO, 'agent', 'src', 'cli', 'run-agent-cli.ts'))) return inTree;
  const env = process.env.OMEGA_AGENT_SRC;
  return env && existsSync(env) ? env : undefined;
}

/** Why the real-agent suites are skipped, or undefined when they run. */
export const REAL_AGENT_MISSING = agentEntry()
  ? undefined
  : 'the product agent (agent/src/main.ts with its CLI) is not in this tree yet and OMEGA_AGENT_SRC is unset';

/** A running `omega-agent` process with its own data dir. */
export class RealAgent {
  readonly dataDir: string;
  private readonly configDir: string;
  proc: ChildProcess | undefined;
  output = '';

  constructor(
    readonly o: {
      server: string;
      name: string;
      token?: string;
      capacity?: { cores?: number; threads?: number; memoryBytes?: number };
      prefix?: string[];
      env?: NodeJS.ProcessEnv;
    },
  ) {
    this.dataDir = mkdtempSync(join(tmpdir(), `omega-agent-${o.name}-`));
    this.configDir = mkdtempSync(join(tmpdir(), `omega-agent-config-${o.name}-`));
  }

  /** Starts the agent (joins with the token the first time, resumes later). */
  start(withToken = true): ChildProcess {
    const entry = agentEntry();
    if (!entry) throw new Error(REAL_AGENT_MISSING);
    const config = join(this.configDir, 'config.json');
    writeFileSync(config, JSON.stringify(this.o.capacity ? { capacity: this.o.capacity } : {}), {
      mode: 0o600,
    });
    const args = [
      '--conditions=source',
      '--import',
      'tsx',
      entry,
      '--server',
      this.o.server,
      '--name',
      this.o.name,
      '--data-dir',
      this.dataDir,
      '--config',
      config,
      '--no-discovery',
      '--log-level',
      'warn',
    ];
    const [cmd, ...pre] = this.o.prefix ?? [];
    const env = {
      ...process.env,
      ...this.o.env,
      ...(withToken && this.o.token ? { OMEGA_AGENT_JOIN_TOKEN: this.o.token } : {}),
    };
    const p = cmd
      ? spawn(cmd, [...pre, process.execPath, ...args], { env, cwd: REPO })
      : spawn(process.execPath, args, { env, cwd: REPO });
    p.stdout?.on('data', (d) => (this.output += d));
    p.stderr?.on('data', (d) => (this.output += d));
    this.proc = p;
    return p;
  }

  /** Throws with its output when the process has exited (a check for polling loops). */
  assertRunning(): void {
    const p = this.proc;
    if (p && (p.exitCode !== null || p.signalCode !== null))
      throw new Error(`omega-agent ${this.o.name} exited (${p.exitCode ?? p.signalCode}):\n${this.output}`);
  }

  /** Sends a signal to the agent process. */
  signal(sig: NodeJS.Signals): void {
    this.proc?.kill(sig);
  }

  /** Resolves when the process has exited. */
  exited(): Promise<number | null> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve(p?.exitCode ?? null);
    return new Promise((r) => p.once('exit', (code) => r(code)));
  }

  /** Kills the process (if running) and removes the data dir, the `-work` dir the agent makes beside it, and the config. */
  async dispose(): Promise<void> {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGCONT');
      this.proc.kill('SIGKILL');
      await this.exited();
    }
    for (const dir of [this.dataDir, `${this.dataDir}-work`, this.configDir])
      rmSync(dir, { recursive: true, force: true });
  }
}
