import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodesKernel, startNodesKernel, until } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { selfSignedCert } from '../helpers/self-signed-cert.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { ensureCommand } from '../substrate/ensure-command.js';
import { type AgentProcess, startAgent } from './helpers/agent-process.js';

/** A self-signed P-256 certificate for 127.0.0.1 (PEM files in `dir`) and its SHA-256 pin. */
function selfSigned(dir: string, name: string): { cert: string; key: string; sha256: string } {
  const { cert, key } = selfSignedCert(dir, name);
  const der = new X509Certificate(readFileSync(cert)).raw;
  return { cert, key, sha256: createHash('sha256').update(der).digest('base64url') };
}

type Summary = { id: string; name: string; state: string };

/**
 * TLS pinning from real agent processes against a real HTTPS kernel: the join token carries the
 * SHA-256 of the kernel's certificate; an impostor with another certificate (valid for the same
 * address) is refused before the agent sends a single byte, so the token never reaches it and
 * still joins the real kernel; the pin is kept in the data dir and enforced on every resume.
 */
describe('TLS pinning: an agent trusts exactly the certificate its join token names', () => {
  let skip: string | null = null;
  let dir = '';
  let k: NodesKernel | undefined;
  let impostor: Server | undefined;
  let impostorUrl = '';
  let pin = '';
  const impostorSeen = { connections: 0, bytes: 0 };
  const procs: AgentProcess[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'omega-agent-tls-'));

  beforeAll(async () => {
    skip = await ensureCommand('openssl', ['version'], 'openssl', (l) =>
      process.stderr.write(`[tls] ${l}\n`),
    );
    if (skip) {
      process.stderr.write(`[tls] SKIPPED: ${skip}\n`);
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'omega-tls-pin-'));
    const real = selfSigned(dir, 'kernel');
    const fake = selfSigned(dir, 'impostor');
    pin = real.sha256;
    k = await startNodesKernel({ config: { tls: { cert: real.cert, key: real.key } } });
    // Counts TCP connections, and the application bytes (decrypted) any of them sent.
    impostor = createServer({ cert: readFileSync(fake.cert), key: readFileSync(fake.key) }, (socket) => {
      socket.on('data', (d: Buffer) => {
        impostorSeen.bytes += d.length;
      });
      socket.on('error', () => {});
    });
    impostor.on('connection', () => {
      impostorSeen.connections++;
    });
    impostor.on('tlsClientError', () => {});
    await new Promise<void>((r) => impostor!.listen(0, '127.0.0.1', r));
    impostorUrl = `https://127.0.0.1:${(impostor.address() as { port: number }).port}`;
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await k?.close();
    await new Promise((r) => (impostor ? impostor.close(r) : r(undefined)));
    if (dir) removeDir(dir);
    removeDir(dataDir); // with the `-work` dir the agent made beside it
  }, 60_000);

  const agent = (server: string, token?: string) => {
    const p = startAgent({
      args: ['--server', server, '--name', 'tls1', '--data-dir', dataDir, '--no-discovery'],
      env: { OMEGA_AGENT_JOIN_TOKEN: token ?? '' },
    });
    procs.push(p);
    return p;
  };
  const summary = async (name: string) =>
    ((await k!.call('nodes.registry', {})) as { nodes: Summary[] }).nodes.find((n) => n.name === name);

  it('refuses an impostor before sending a byte; the same token then joins the real kernel', async (ctx) => {
    if (skip || !k) return ctx.skip(`openssl unavailable: ${skip}`);
    expect(k.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const { token } = (await k.call('nodes.local-join-token', {})) as { token: string };
    expect(token.split('.')[3]).toBe(pin);

    const fooled = agent(impostorUrl, token);
    expect((await fooled.exited).code).toBe(1);
    const last = fooled.stderr().trim().split('\n').at(-1);
    expect(last).toMatch(/not the pinned .*\[OMEGA_ERR_AGENT_CERT_MISMATCH\]$/);
    expect(impostorSeen.connections).toBeGreaterThan(0);
    expect(impostorSeen.bytes).toBe(0);
    expect(fooled.stderr()).not.toContain(token.split('.')[2]!);
    expect(existsSync(join(dataDir, 'agent.json'))).toBe(false);

    const joined = agent(k.url, token);
    await joined.waitLog((r) => r.msg === 'joined', 30_000);
    const state = JSON.parse(readFileSync(join(dataDir, 'agent.json'), 'utf8')) as { certSha256?: string };
    expect(state.certSha256).toBe(pin);
    await until(async () => (await summary('tls1'))?.state === 'ready', 20_000);
    joined.kill('SIGTERM');
    expect((await joined.exited).code).toBe(0);
  }, 90_000);

  it('a joined agent keeps the pin: resuming at the impostor is refused, at the kernel it resumes', async (ctx) => {
    if (skip || !k) return ctx.skip(`openssl unavailable: ${skip}`);
    if (!existsSync(join(dataDir, 'agent.json'))) throw new Error('the first test did not join');
    const before = impostorSeen.connections;
    const fooled = agent(impostorUrl);
    expect((await fooled.exited).code).toBe(1);
    expect(fooled.stderr()).toMatch(/\[OMEGA_ERR_AGENT_CERT_MISMATCH\]/);
    expect(impostorSeen.connections).toBeGreaterThan(before);
    expect(impostorSeen.bytes).toBe(0);

    const resumed = agent(k.url);
    await resumed.waitLog((r) => r.msg === 'connected', 30_000);
    await until(async () => (await summary('tls1'))?.state === 'ready', 20_000);
    resumed.kill('SIGTERM');
    expect((await resumed.exited).code).toBe(0);
  }, 90_000);
});
