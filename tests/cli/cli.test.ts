import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killChildren } from '../helpers/kill-children.js';
import { removeDir } from '../helpers/temp-kernel.js';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

/** Direct children of a process, from /proc/<pid>/task/<tid>/children. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    for (const p of text.trim().split(/\s+/)) if (p) out.push(Number(p));
  }
  return out;
}

describe('omega CLI', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    await killChildren(children);
    for (const d of dirs) removeDir(d); // with the `<dir>-sessions` of the kernel's local agent
  });

  it('prints its version, as text and as JSON', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(run(['--version']).stdout.trim()).toBe(`omega ${pkg.version}`);
    expect(JSON.parse(run(['--version', '--json']).stdout)).toEqual({ version: pkg.version });
  });

  it('has --help on every command', () => {
    for (const cmd of ['start', 'status']) {
      const r = run([cmd, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Usage: omega ${cmd}`);
    }
  });

  it('every command that talks to a kernel takes --url, --context, --token and --data-dir, described once', () => {
    const globalToken =
      /--token <value> +Bearer token \(default: \$OMEGA_TOKEN, the context, <data-dir>\/admin-token; --token '' sends none\)/;
    for (const [cmd, action] of [
      ['status'],
      ['plugin', 'list'],
      ['nodes', 'list'],
      ['sessions', 'list'],
      ['alerts', 'list'],
    ] as const) {
      const help = run([cmd, '--help']);
      expect(help.stdout, cmd).toMatch(globalToken);
      expect(help.stdout, cmd).toMatch(/--context <value>/);
      // --data-dir is accepted (the token file's folder): the call gets as far as the unreachable kernel
      const r = run([
        cmd,
        ...(action ? [action] : []),
        '--data-dir',
        join(tmpdir(), 'never-used'),
        '--url',
        'http://127.0.0.1:1',
      ]);
      expect(r.stderr, cmd).not.toMatch(/unknown flag/);
      expect(r.stderr, cmd).toMatch(/no kernel (answers )?at http:\/\/127\.0\.0\.1:1/);
    }
  }, 180_000); // ten CLI processes, each compiling the CLI with tsx: slow on a busy machine

  it('never sends the local token file to another host, nor any token over plain http', () => {
    const r = run(['status', '--url', 'http://192.0.2.1:7700', '--token', 'x'.repeat(20)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/refusing to send a token over plain http/);
  });

  it('rejects bad input with one line and a non-zero exit', () => {
    const unknown = run(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const flag = run(['start', '--bogus']);
    expect(flag.status).toBe(2);
    const port = run(['start', '--port', 'eighty', '--data-dir', join(tmpdir(), 'never-used')]);
    // A usage error now, before the config is read (it was the config's OMEGA_ERR_CONFIG_INVALID, exit 1).
    expect(port.status).toBe(2);
    expect(port.stderr).toBe('omega: --port takes a whole number 0–65535 (got "eighty")\n');
  });

  it('reads a config whose context name an older CLI allowed: that context ignored with one warning, the rest kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-cli-'));
    dirs.push(dir);
    const file = join(dir, 'config.json');
    const old = { url: 'http://[::1]:9', auth: { kind: 'token', token: 'omg_old' } };
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        current: '[::1]:9',
        contexts: { '[::1]:9': old, lab: { url: 'http://127.0.0.1:1' } },
      }),
    );
    const env = { OMEGA_CONFIG: file, OMEGA_URL: '', OMEGA_TOKEN: '', OMEGA_PORT: '2' };
    const warning =
      'omega: warning: ignoring context "[::1]:9" in ' +
      `${file}: its name is not valid any more (1–64 letters, digits or ._:@-); sign in again with ` +
      'omega login --url http://[::1]:9 --context NAME, then omega logout --context "[::1]:9" and omega context delete "[::1]:9"\n';
    const list = run(['context', 'list'], env);
    expect(list.status, list.stderr).toBe(0); // was: "… is not an omega CLI config", for every command
    expect(list.stderr).toBe(warning);
    expect(list.stdout).toMatch(/^ {2}lab +http:\/\/127\.0\.0\.1:1 +signed out\n$/);
    // The ignored current context is not replaced by the default local kernel (http://127.0.0.1:2
    // was asked, and a `nodes drain` meant for the ignored one could reach another kernel): a
    // usage error naming it and the fix, unless --context, --url or $OMEGA_URL says where to go.
    const status = run(['status', '--json'], env);
    expect(status.status).toBe(2);
    expect(status.stdout).toBe('');
    expect(status.stderr).toBe(
      `${warning}omega: the current context "[::1]:9" is ignored (its name is not valid any more); ` +
        'choose another with omega context use NAME, or sign in again with ' +
        'omega login --url http://[::1]:9 --context NAME, or pass --context / --url\n',
    );
    for (const [args, extra] of [
      [['--url', 'http://127.0.0.1:2'], {}],
      [[], { OMEGA_URL: 'http://127.0.0.1:2' }],
    ] as const) {
      const chosen = run(['status', '--json', ...args], { ...env, ...extra });
      expect(chosen.stderr).toBe(warning);
      expect(JSON.parse(chosen.stdout)).toMatchObject({ url: 'http://127.0.0.1:2', up: false });
    }
    const lab = run(['status', '--json', '--context', 'lab'], env);
    expect(JSON.parse(lab.stdout)).toMatchObject({ url: 'http://127.0.0.1:1', up: false });
    // Writing the config back keeps the ignored context as it was; context delete drops it.
    expect(run(['context', 'use', 'lab'], env).status).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      current: 'lab',
      contexts: { '[::1]:9': old, lab: { url: 'http://127.0.0.1:1' } },
    });
    const gone = run(['context', 'delete', '[::1]:9'], env);
    expect(gone.status, gone.stderr).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).contexts)).toEqual(['lab']);
    expect(run(['context', 'list'], env).stderr).toBe('');
  }, 60_000);

  it('starts a kernel that status reports on, then stops gracefully on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-cli-'));
    dirs.push(dir);
    const token = 'cli-test-admin-token-0123456789';
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        CLI,
        'start',
        '--port',
        '0',
        '--data-dir',
        dir,
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OMEGA_ADMIN_TOKEN: token } },
    );
    children.push(child);
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (d) => {
        err += d;
        const m = /listening on (\S+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const status = run(['status', '--url', url, '--json'], { OMEGA_ADMIN_TOKEN: token });
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ up: true, ready: true });
    expect(Array.isArray(JSON.parse(status.stdout).plugins)).toBe(true);
    expect(JSON.parse(status.stdout).sinks).toEqual([]); // none configured
    // The kernel process never hosts an isolate; the plugin host processes (its children) do.
    const pid = child.pid!;
    const maps = (p: number) => readFileSync(`/proc/${p}/maps`, 'utf8');
    expect(maps(pid)).not.toContain('isolated_vm');
    const hosts = childrenOf(pid).filter((p) => {
      try {
        return maps(p).includes('isolated_vm');
      } catch {
        return false; // exited between listing and reading
      }
    });
    expect(hosts.length).toBeGreaterThan(0);
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    const down = run(['status', '--url', url, '--json']);
    expect(down.status).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({ up: false });
  });

  it('refuses a bootstrap secret too short to be safe instead of replacing it silently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-cli-'));
    dirs.push(dir);
    const r = run(['start', '--port', '0', '--data-dir', dir, '--log-level', 'silent'], {
      OMEGA_BOOTSTRAP_SECRET: 'short',
      OMEGA_ADMIN_TOKEN: '',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^omega: OMEGA_BOOTSTRAP_SECRET must be at least \d+ characters.*\[OMEGA_ERR_CONFIG_INVALID\]\n$/,
    );
  });

  it('refuses to start on a corrupt storage file and names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-cli-'));
    dirs.push(dir);
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(dir, 'storage'), { recursive: true });
    writeFileSync(join(dir, 'storage', 'kernel.json'), '{"collections": {"meta": ');
    const r = run(['start', '--port', '0', '--data-dir', dir, '--log-level', 'silent']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(join(dir, 'storage', 'kernel.json'));
    expect(r.stderr).toContain('OMEGA_ERR_STORAGE_CORRUPT');
    expect(readFileSync(join(dir, 'storage', 'kernel.json'), 'utf8')).toBe('{"collections": {"meta": ');
  });
});
