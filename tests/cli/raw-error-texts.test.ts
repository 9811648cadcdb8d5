import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirForFile } from '../helpers/temp-dir.js';

/*
 * Found from outside: low-level texts reached users as the whole error — `ENOENT: no such file
 * or directory, open '/nonexistent'`, `getaddrinfo ENOTFOUND not a host`, an OpenSSL line for
 * https:// against a plain-http kernel, "NOT READY" for a web server that is no kernel at all,
 * and a bare "HTTP 404". Each is now one line saying what is wrong and what to do, exit ≠ 0.
 */

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const dir = tempDirForFile('omega-cli-errors-');

function omega(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
      env: {
        ...process.env,
        OMEGA_CONFIG: join(dir, 'cli.json'),
        OMEGA_URL: '',
        OMEGA_TOKEN: '',
        OMEGA_ADMIN_TOKEN: '',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** A server that is no kernel: `answer` for every request. */
async function serve(answer: (res: import('node:http').ServerResponse) => void): Promise<[Server, string]> {
  const server = createServer((_req, res) => answer(res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return [server, `127.0.0.1:${(server.address() as AddressInfo).port}`];
}

/** One line on stderr, `omega: ` and then `text`. */
const said = (stderr: string, text: string) => {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toBe(`omega: ${text}\n`);
};

describe('omega CLI, where only a low-level error text said what went wrong', () => {
  let web: Server;
  let webHost: string;
  let empty: Server;
  let emptyHost: string;
  beforeAll(async () => {
    [web, webHost] = await serve((res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>'),
    );
    [empty, emptyHost] = await serve((res) => res.writeHead(404).end());
  });
  afterAll(async () => {
    await new Promise((ok) => web?.close(ok));
    await new Promise((ok) => empty?.close(ok));
  });

  it('a --root file that does not exist is named, with what to give (not ENOENT … open)', async () => {
    const r = await omega(
      'plugin',
      'source',
      'add',
      'x',
      'y',
      '--root',
      '/nonexistent',
      '--url',
      'http://127.0.0.1:9',
    );
    expect(r.status).toBe(2);
    said(
      r.stderr,
      "cannot read /nonexistent (no such file or directory, ENOENT); give the marketplace source's root.json with --root",
    );
  });

  it('a packed plugin that cannot be read is named with the errno in words, as every file flag does', async () => {
    const r = await omega('plugin', 'install', '/nonexistent/x.omega-plugin', '--url', 'http://127.0.0.1:9');
    expect(r.status).toBe(2);
    said(
      r.stderr,
      'cannot read /nonexistent/x.omega-plugin (no such file or directory, ENOENT); give the path of a .omega-plugin file (omega-plugin pack)',
    );
  });

  it('a --host that is no address names --host (not getaddrinfo ENOTFOUND)', async () => {
    const r = await omega('start', '--host', 'not a host', '--port', '0', '--data-dir', join(dir, 'data'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^omega: cannot listen on not a host:0: "not a host" is neither an address nor a host name this machine can resolve \((ENOTFOUND|EAI_AGAIN)\); pass --host with one of its addresses, 127\.0\.0\.1 or 0\.0\.0\.0\n$/,
    );
  });

  it('status against a web server that is no kernel says so (it said NOT READY)', async () => {
    for (const [host, got] of [
      [webHost, 'HTTP 404, not JSON'],
      [emptyHost, 'HTTP 404'],
    ] as const) {
      const url = `http://${host}`;
      const r = await omega('status', '--url', url);
      expect(r.status).toBe(1);
      said(
        r.stderr,
        `the server at ${url} does not answer as an Omega kernel (GET /api/v1/ready: ${got}); check --url and its port [NOT_OMEGA]`,
      );
      expect(r.stdout).toBe('');
      const json = await omega('status', '--url', url, '--json');
      expect(json.status).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ url, up: false, code: 'NOT_OMEGA' });
    }
  });

  it('status against a server answering 200 with JSON that is not a kernel’s readiness says so', async () => {
    const [other, host] = await serve((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
    );
    try {
      const url = `http://${host}`;
      const r = await omega('status', '--url', url);
      expect(r.status).toBe(1);
      said(
        r.stderr,
        `the server at ${url} does not answer as an Omega kernel (GET /api/v1/ready: HTTP 200); check --url and its port [NOT_OMEGA]`,
      );
      expect(r.stdout).toBe('');
      const json = await omega('status', '--url', url, '--json');
      expect(json.status).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ url, up: false });
    } finally {
      await new Promise((ok) => other.close(ok));
    }
  });

  it('any command against a web server that is no kernel says so', async () => {
    const url = `http://${webHost}`;
    const r = await omega('nodes', 'list', '--url', url, '--limit', '5');
    expect(r.status).toBe(1);
    said(
      r.stderr,
      `the server at ${url} does not answer as an Omega kernel (GET /api/v1/nodes: HTTP 404, not JSON); check --url and its port [NOT_OMEGA]`,
    );
  });

  it('https:// against a plain-http server says it does not speak TLS there (not an OpenSSL line)', async () => {
    const r = await omega('sessions', 'list', '--url', `https://${emptyHost}`);
    expect(r.status).toBe(1);
    said(
      r.stderr,
      `the server at https://${emptyHost} does not speak TLS on that port; use http://${emptyHost} if the kernel serves plain http there, or check the port [NOT_TLS]`,
    );
    // status says it in the same words, code and all (walk: it left out the [NOT_TLS])
    const status = await omega('status', '--url', `https://${emptyHost}`);
    expect(status.status).toBe(1);
    expect(status.stderr).toBe(r.stderr);
    const json = await omega('status', '--url', `https://${emptyHost}`, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ up: false, code: 'NOT_TLS' });
  });

  it('a 404 with no body names the request path and what to check (it said only "HTTP 404")', async () => {
    const url = `http://${emptyHost}`;
    const r = await omega('sessions', 'list', '--url', url, '--cursor', 'c1');
    expect(r.status).toBe(1);
    said(
      r.stderr,
      `GET /api/v1/sessions was not found at ${url} (HTTP 404); check --url, and that the plugin serving it is installed and running (omega plugin list) [HTTP_404]`,
    );
  });
});
