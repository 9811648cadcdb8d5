import { ApiError, currentToken } from '../api-client.js';
import type { ApiData, ApiOperation } from '../api-types.js';
import type { Command } from '../command.js';
import { isConnectionErrorCode } from '../connection-error-codes.js';
import { kernelApi } from '../kernel-api.js';
import { listingLine } from '../listing-line.js';
import { output } from '../output.js';
import { resolveCliUrl } from '../target.js';

/** An event sink as `GET /api/v1/events/sinks` describes it (typed from the OpenAPI document). */
type SinkLine = ApiData<ApiOperation<'/api/v1/events/sinks', 'get'>>['sinks'][number];

/** How long each probe of `omega status` waits, ms. */
const PROBE_MS = 5000;

const sinkLine = (k: SinkLine): string =>
  listingLine([
    { text: 'sink', width: 8 },
    `${k.name} (${k.type} → ${k.target}): ${k.state}, ${k.delivered} delivered` +
      (k.rejected ? `, ${k.rejected} refused` : '') +
      (k.gaps.length ? `, ${k.gaps.length} gap(s)` : '') +
      (k.state === 'retrying' && k.lastError ? `; last error: ${k.lastError}` : ''),
  ]);

/** The line for a server at `url` whose readiness answer (`got`) is not a kernel's. */
const notOmega = (url: string, got: string): string =>
  `the server at ${url} does not answer as an Omega kernel (GET /api/v1/ready: ${got}); check --url and its port`;

/** `omega status`: is a kernel up, and what is it running. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'Show whether a kernel is up and ready, its version, uptime, plugins and event sinks.',
  usage: 'omega status [--url URL | --context NAME] [--token TOKEN] [--data-dir DIR] [--json]',
  // --url, --context and --token are the global flags (cli/main.ts), resolved by resolveTarget
  options: {
    'data-dir': { type: 'string', description: 'Where to find admin-token (default ./data)' },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  noArguments: true,
  async run(values) {
    const url = resolveCliUrl(values);
    const token = await currentToken(values);
    const json = values.json === true;
    const api = kernelApi(values);
    let ready = true;
    let down: string | undefined;
    /** Why, as a code (NOT_TLS, NOT_OMEGA…), printed as every other command prints it. */
    let downCode: string | undefined;
    try {
      const r = await api.get('/api/v1/ready', { anonymous: true, timeoutMs: PROBE_MS });
      if ((r as { status?: unknown } | undefined)?.status !== 'ready') {
        down = notOmega(url, 'HTTP 200');
        downCode = 'NOT_OMEGA';
      }
    } catch (err) {
      // A kernel answers 200 when ready and its 503 problem while starting or stopping; any
      // other answer is some other server (it said "NOT READY"), no answer no kernel at all.
      if (!(err instanceof ApiError)) throw err;
      if (err.code === 'OMEGA_ERR_UNAVAILABLE') ready = false;
      else if (err.httpStatus === undefined || isConnectionErrorCode(err.code)) {
        down = err.message;
        downCode = err.code;
      } else {
        down = notOmega(url, `HTTP ${err.httpStatus}`);
        downCode = 'NOT_OMEGA';
      }
    }
    if (down !== undefined) {
      if (json)
        output(true, { url, up: false, error: down, ...(downCode ? { code: downCode } : {}) }, () => '');
      else process.stderr.write(`omega: ${down}${downCode ? ` [${downCode}]` : ''}\n`);
      return 1;
    }
    let refused: ApiError | undefined;
    const info = token
      ? await api.get('/api/v1/kernel', { timeoutMs: PROBE_MS }).catch((err: unknown) => {
          if (err instanceof ApiError && !isConnectionErrorCode(err.code)) refused = err;
          return undefined;
        })
      : undefined;
    const sinks = info
      ? (await api.get('/api/v1/events/sinks', { timeoutMs: PROBE_MS }).catch(() => undefined))?.sinks
      : undefined;
    const result = { url, up: true, ready, ...(info ?? {}), ...(sinks ? { sinks } : {}) };
    output(json, result, () => {
      const lines = [`kernel   ${url}  ${ready ? 'ready' : 'NOT READY'}`];
      if (info) {
        lines.push(`version  ${info.version}`, `uptime   ${info.uptimeSec}s`);
        lines.push(`plugins  ${info.plugins.length}`);
        for (const k of sinks ?? []) lines.push(sinkLine(k));
      } else {
        lines.push(
          `(no details: ${refused ? `token rejected (${refused.code}); run omega login --url ${url}` : token ? 'the kernel did not answer' : `not signed in; run omega login --url ${url} or pass --token`})`,
        );
      }
      return lines.join('\n');
    });
    return ready ? 0 : 1;
  },
};
