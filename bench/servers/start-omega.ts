import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildPlugin } from '../../sdk/src/build/index.js';
import { buildEchoPlugin } from './echo-plugin.js';
import { startScriptFlags } from './start-script-flags.js';

/** A kernel started as `npm start` starts it, with the bench's echo plugin installed. */
export interface OmegaUnderTest {
  url: string;
  /** The kernel process. */
  pid: number;
  /** An access token of a signed-in viewer (`*:read` covers the echo plugin's `echo:read`). */
  token: string;
  /** Where the kernel's stdout (its JSON log) goes. */
  logFile: string;
  /** Bytes the kernel has written to its log so far. */
  logBytes(): number;
  /** Plugin-host processes (children of the kernel) now. */
  hostPids(): number[];
  /** The pid of the host running plugin `name` now (from `GET /api/v1/plugins`), or undefined. */
  pluginPid(name: string): Promise<number | undefined>;
  /** SIGTERM, wait for the exit, remove the data dir. */
  stop(): Promise<void>;
}

const repo = join(import.meta.dirname, '..', '..');
/** The static admin token the bench kernel runs with (to create the viewer and read plugin status). */
export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

/** The kernel's direct children (the plugin hosts; `prlimit` execs node, so the pid is the host's). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Starts `node <npm start's flags> dist/cli.js start` (what `npm start` runs after building,
 * start-script-flags.ts) on a free port with a
 * temp data dir: the core plugins from plugins/ as shipped, plus the echo plugin in the
 * installed-plugins store, granted `http:routes`. `OMEGA_ADMIN_TOKEN` is set only to create a
 * viewer, who then signs in through the security plugin. `nodeArgs` go before the script
 * (e.g. `--cpu-prof`); `root` is another checkout with a built dist/ (default: this one).
 */
export async function startOmega(
  opts: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv; root?: string } = {},
): Promise<OmegaUnderTest> {
  const root = opts.root ?? repo;
  // the bench runs the plugins; type-checking them is the build's and the tests' job
  for (const core of ['security', 'metrics'])
    await buildPlugin(join(root, 'plugins', core), { typecheck: false });
  const dataDir = mkdtempSync(join(tmpdir(), 'omega-bench-http-'));
  await buildEchoPlugin(join(dataDir, 'plugins'));
  rmSync(join(dataDir, 'plugins', 'echo', 'src'), { recursive: true });
  const grants = JSON.parse(readFileSync(join(root, 'plugins', 'grants.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  grants.echo = { granted: ['http:routes'], denied: [] };
  writeFileSync(join(dataDir, 'grants.json'), JSON.stringify(grants));
  const logFile = join(dataDir, 'kernel.log');
  const logFd = openSync(logFile, 'w');
  const child: ChildProcess = spawn(
    process.execPath,
    // npm start's flags first: a bench's own (a variant's V8 flag) come after and win
    [
      ...startScriptFlags(root),
      ...(opts.nodeArgs ?? []),
      join(root, 'dist', 'cli.js'),
      'start',
      '--port',
      '0',
      '--data-dir',
      dataDir,
    ],
    {
      cwd: dataDir,
      stdio: ['ignore', logFd, 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', OMEGA_ADMIN_TOKEN: ADMIN_TOKEN, ...opts.env },
    },
  );
  closeSync(logFd);
  const lines = createInterface({ input: child.stderr! });
  const url = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the kernel exited with ${code} before listening`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      process.stderr.write(`  kernel: ${line}\n`);
      const m = /listening on (\S+)/.exec(line);
      if (m) {
        child.off('exit', onExit);
        resolve(m[1]!);
      }
    });
  });
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, string>;
  };
  const password = 'a long enough passphrase for load';
  await post('/api/v1/security/users', { username: 'bench', password, roles: ['viewer'] }, ADMIN_TOKEN);
  const { accessToken } = await post('/api/v1/security/login', { username: 'bench', password });
  if (!accessToken) throw new Error('bench: the viewer could not sign in');
  const probe = await fetch(`${url}/api/v1/echo/open`);
  if (probe.status !== 200) throw new Error(`bench: the echo plugin answers ${probe.status}`);
  return {
    url,
    pid: child.pid!,
    token: accessToken,
    logFile,
    logBytes: () => statSync(logFile).size,
    hostPids: () => childPids(child.pid!),
    pluginPid: async (name) => {
      const res = await fetch(`${url}/api/v1/plugins/${name}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const p = (await res.json()) as { runtime?: { pid?: number } };
      return res.ok ? p.runtime?.pid : undefined;
    },
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
      // The local agent's session work directories go beside the data dir (omega start's default).
      rmSync(`${dataDir}-sessions`, { recursive: true, force: true });
    },
  };
}
