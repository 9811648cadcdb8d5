import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/temp-kernel.js';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');

/** Runs the CLI without blocking this process (a test server here must keep answering). */
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
      env: { ...process.env, OMEGA_CONFIG: join(dir, 'cli.json'), OMEGA_TOKEN: 'omg_not-a-real-token' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'omega-outside-cli-'));
afterAll(() => removeDir(dir));

const oneLine = (text: string) => expect(text.trimEnd().split('\n')).toHaveLength(1);

/** Runs `body` with the URL of a loopback server that answers 500; resolves every request it got. */
async function withRecordingServer(body: (url: string) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}${req.headers.authorization ? ' (with a credential)' : ''}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((ok) => server.close(ok));
  }
  return seen;
}

describe('omega CLI, handed hostile input', () => {
  it('a flag value parseArgs refuses is one line on stderr, exit 2', async () => {
    const r = await run(['start', '--port', '-1']);
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^omega: .*--port/);
  });

  it('plugin trust of a file that is not JSON names it without quoting its bytes', async () => {
    const file = join(dir, 'shadow');
    writeFileSync(file, 'root:s3cr3t-hash-bytes:20000:0:99999:7:::\n');
    const r = await run(['plugin', 'trust', file, '--url', 'http://127.0.0.1:9']);
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toContain('s3cr3t');
    expect(r.stderr).not.toContain('root:');
  });

  it('plugin trust of a private key refuses before anything is sent', async () => {
    const file = join(dir, 'publisher.private.jwk');
    const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    writeFileSync(file, JSON.stringify(jwk));
    const seen = await withRecordingServer(async (url) => {
      const r = await run(['plugin', 'trust', file, '--url', url]);
      expect(r.status).toBe(2);
      oneLine(r.stderr);
      expect(r.stderr).toContain('private key');
      expect(r.stderr).not.toContain(String(jwk.d));
    });
    expect(seen).toEqual([]);
  });

  it('marketplace serve of a folder that is no marketplace says so, exit 2', async () => {
    const r = await run(['marketplace', 'serve', join(dir, 'no-such-marketplace'), '--port', '0']);
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('not a marketplace');
    expect(r.stderr).not.toContain('realpath');
  });

  it('a marketplace key file that is not JSON is named, its bytes never shown', async () => {
    const file = join(dir, 'index.private.jwk');
    writeFileSync(file, '{"kty":"OKP","d":"c2VjcmV0LWtleS1ieXRlcw');
    const r = await run(['marketplace', 'timestamp', join(dir, 'm'), '--timestamp-keys', file]);
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toContain('c2VjcmV0');
    // Where the parser stopped, so a hand-edited file can be mended (found by review).
    expect(r.stderr).toMatch(/line 1, column 41\b/);
  });
});

describe('omega CLI, a flag refused for its value', () => {
  it('never echoes the value, which may be a secret (exit 2)', async () => {
    for (const args of [
      ['nodes', 'list', '--token', '-S3cr3tAdminTok'],
      ['login', '--url', 'http://127.0.0.1:9', '--password-stdin=hunter2'],
    ]) {
      const r = await run(args);
      expect(r.status, args.join(' ')).toBe(2);
      oneLine(r.stderr);
      expect(r.stderr, args.join(' ')).toMatch(/--(token|password-stdin)/);
      expect(r.stderr).not.toMatch(/S3cr3t|hunter2/);
    }
  });
});

describe('omega CLI, a whole-number flag given something else', () => {
  it('is a usage error naming the flag and its range (exit 2), before anything is sent', async () => {
    const seen = await withRecordingServer(async (url) => {
      const cases: Array<[string[], string]> = [
        [['nodes', 'list', '--limit', 'abc'], '--limit takes a whole number 1–1000 (got "abc")'],
        [['nodes', 'list', '--limit='], '--limit needs a value (it was given empty)'],
        [['nodes', 'list', '--limit', '1e3'], '--limit takes a whole number 1–1000 (got "1e3")'],
        [['nodes', 'list', '--limit', '1001'], '--limit takes a whole number 1–1000 (got "1001")'],
        [['sessions', 'list', '--limit', '0'], '--limit takes a whole number 1–500 (got "0")'],
        [['sessions', 'logs', 's1', '--offset=-1'], '--offset takes a whole number ≥ 0 (got "-1")'],
        [['sessions', 'run', '--priority=1.5', '--', 'true'], '--priority takes a whole number -1000–1000'],
        [['nodes', 'label', 'n1', 'a=b', '--version=x'], 'nodes show --json shows it'],
        [['nodes', 'token', 'create', '--uses', '0'], '--uses takes a whole number 1–10000 (got "0")'],
        [['start', '--port', '99999'], '--port takes a whole number 0–65535 (got "99999")'],
      ];
      for (const [args, message] of cases) {
        const r = await run([...args, ...(args[0] === 'start' ? [] : ['--url', url])]);
        expect(r.status, args.join(' ')).toBe(2);
        oneLine(r.stderr);
        expect(r.stderr, args.join(' ')).toContain(message);
      }
    });
    expect(seen).toEqual([]);
  });

  it('is refused one past its upper bound, naming the bound (4096.5 cores reached the kernel as millicores)', async () => {
    const seen = await withRecordingServer(async (url) => {
      const cases: Array<[string[], string]> = [
        [
          ['sessions', 'run', '--cores', '4096.5', '--', 'true'],
          '--cores takes a number 0.001–4096 (got "4096.5")',
        ],
        [
          ['sessions', 'run', '--millicores', '4096001', '--', 'true'],
          '--millicores takes a whole number 1–4096000',
        ],
        [['sessions', 'run', '--gpus', '65', '--', 'true'], '--gpus takes a whole number 0–64 (got "65")'],
        [['sessions', 'run', '--pids', '4194305', '--', 'true'], '--pids takes a whole number 1–4194304'],
        [
          ['sessions', 'quota', 'set', 'user', 'u-1', '--cores', '10000000.5'],
          '--cores takes a number 0–10000000 (got "10000000.5")',
        ],
        [
          ['sessions', 'quota', 'set', 'user', 'u-1', '--gpus', '10000001'],
          '--gpus takes a whole number 0–10000000 (got "10000001")',
        ],
        [
          ['sessions', 'quota', 'set', 'role', 'ops', '--max-sessions', '10000001'],
          '--max-sessions takes a whole number 0–10000000 (got "10000001")',
        ],
      ];
      for (const [args, message] of cases) {
        const r = await run([...args, '--url', url]);
        expect(r.status, args.join(' ')).toBe(2);
        oneLine(r.stderr);
        expect(r.stderr, args.join(' ')).toContain(message);
      }
    });
    expect(seen).toEqual([]);
  });

  it('usage errors say what is wrong once: no doubled prefix, both --for and --until named as both, trust wants a key file', async () => {
    const cases: Array<[string[], string]> = [
      [['alerts', 'ack', 'a-1'], 'omega: alerts ack needs --reason TEXT (it is shown and audited)\n'],
      [
        [
          'alerts',
          'silence',
          '--rule',
          'r',
          '--reason',
          'x',
          '--for',
          '1h',
          '--until',
          '2030-01-01T00:00:00Z',
        ],
        'omega: alerts silence takes --for 2h or --until TIME, not both\n',
      ],
      [
        ['plugin', 'trust'],
        'omega: plugin trust needs exactly one publisher public key file (PUBLISHER.public.jwk)\n',
      ],
    ];
    for (const [args, stderr] of cases) {
      const r = await run([...args, '--url', 'http://127.0.0.1:9']);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(stderr);
    }
  });

  it("--token '' sends no credential, whatever $OMEGA_TOKEN says (an empty value is refused for other flags)", async () => {
    const seen = await withRecordingServer(async (url) => {
      const r = await run(['nodes', 'list', '--token', '', '--url', url]);
      expect(r.status).toBe(1); // the stand-in server answers 500
    });
    expect(seen).toEqual(['GET /api/v1/nodes']);
  });

  it('a command that takes no arguments refuses one (omega start extra started a kernel)', async () => {
    for (const args of [
      ['start', 'extra'],
      ['status', 'now'],
      ['logout', 'me'],
    ]) {
      const r = await run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(
        `omega: ${args[0]} takes no arguments (got "${args[1]}"); run omega ${args[0]} --help\n`,
      );
    }
  });

  it('bare omega is a usage error: the help on stderr, nothing on stdout, exit 2', async () => {
    const r = await run([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: omega <command>');
    const help = await run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: omega <command>');
  });
});

describe('omega CLI, a key given twice in a key=value list', () => {
  it('is a usage error naming the key (exit 2), before anything is sent; the last one won silently', async () => {
    const seen = await withRecordingServer(async (url) => {
      const cases: Array<[string[], string]> = [
        [['nodes', 'label', 'vm', 'a=1', 'a=2'], 'nodes label gives the key "a" more than once'],
        [['nodes', 'label', 'vm', 'a=1', 'a-'], 'nodes label gives the key "a" more than once'],
        [['nodes', 'token', 'create', '--label', 'a=1,b=2,a=3'], '--label gives the key "a" more than once'],
        [['nodes', 'approve', 'ag-1', '--label', 'a=1, a=1'], '--label gives the key "a" more than once'],
        [['nodes', 'approve', 'ag-1', '--label', 'a =1,a=2'], '--label gives the key "a" more than once'],
        [
          ['alerts', 'silence', '--label', 'job=x,job=y', '--reason', 'r', '--for', '1h'],
          '--label gives the key "job" more than once',
        ],
        [
          ['sessions', 'settings', '--set', 'placement=spread,placement=binpack'],
          '--set gives the key "placement" more than once',
        ],
        [
          ['sessions', 'run', '--env', 'A=1', '--env', 'A=2', '--', 'true'],
          '--env gives the key "A" more than once',
        ],
        [
          ['sessions', 'run', '--env', 'A=1,B=2,A=x,y', '--', 'true'],
          '--env gives the key "A" more than once',
        ],
      ];
      for (const [args, message] of cases) {
        const r = await run([...args, '--url', url]);
        expect(r.status, args.join(' ')).toBe(2);
        expect(r.stderr, args.join(' ')).toBe(`omega: ${message}; give each key once\n`);
      }
    });
    expect(seen).toEqual([]);
  });
});

describe('omega CLI, with $OMEGA_CONFIG naming a directory', () => {
  it('says it is a directory (not "not valid JSON"), one line, exit 1', async () => {
    const r = await new Promise<{ status: number | null; stderr: string }>((done) => {
      const child = spawn(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', CLI, 'status', '--url', 'http://127.0.0.1:9'],
        { env: { ...process.env, OMEGA_CONFIG: dir } },
      );
      let stderr = '';
      child.stderr.on('data', (b) => (stderr += b));
      child.on('close', (status) => done({ status, stderr }));
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('a directory');
    expect(r.stderr).not.toContain('not valid JSON');
  });
});
