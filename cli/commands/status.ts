import { currentToken } from '../api-client.js';
import type { Command } from '../command.js';
import { output } from '../output.js';
import { resolveCliUrl } from '../target.js';

/** What `omega status` shows of an event sink (GET /api/v1/events/sinks). */
interface SinkLine {
  name: string;
  type: string;
  target: string;
  state: string;
  delivered: number;
  rejected: number;
  gaps: unknown[];
  lastError?: string;
}

const sinkLine = (k: SinkLine): string =>
  `sink     ${k.name} (${k.type} → ${k.target}): ${k.state}, ${k.delivered} delivered` +
  (k.rejected ? `, ${k.rejected} refused` : '') +
  (k.gaps.length ? `, ${k.gaps.length} gap(s)` : '') +
  (k.state === 'retrying' && k.lastError ? `; last error: ${k.lastError}` : '');

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
  async run(values) {
    const url = resolveCliUrl(values);
    const token = await currentToken(values);
    const json = values.json === true;
    let ready: Response;
    try {
      ready = await fetch(`${url}/api/v1/ready`, { signal: AbortSignal.timeout(5000) });
    } catch (err) {
      const reason =
        (err as Error).cause instanceof Error
          ? ((err as Error).cause as Error).message
          : (err as Error).message;
      if (json) output(true, { url, up: false, error: reason }, () => '');
      else process.stderr.write(`omega: no kernel at ${url} (${reason}); start one with: omega start\n`);
      return 1;
    }
    const kernel = token
      ? await fetch(`${url}/api/v1/kernel`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(5000),
        }).catch(() => undefined)
      : undefined;
    const info = kernel?.ok
      ? ((await kernel.json().catch(() => undefined)) as Record<string, unknown> | undefined)
      : undefined;
    const sinksRes = info
      ? await fetch(`${url}/api/v1/events/sinks`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(5000),
        }).catch(() => undefined)
      : undefined;
    const sinks = sinksRes?.ok
      ? ((await sinksRes.json().catch(() => undefined)) as { sinks: SinkLine[] } | undefined)?.sinks
      : undefined;
    const result = { url, up: true, ready: ready.ok, ...(info ?? {}), ...(sinks ? { sinks } : {}) };
    output(json, result, () => {
      const lines = [`kernel   ${url}  ${ready.ok ? 'ready' : 'NOT READY'}`];
      if (info) {
        lines.push(`version  ${info.version}`, `uptime   ${info.uptimeSec}s`);
        lines.push(`plugins  ${(info.plugins as unknown[]).length}`);
        for (const k of sinks ?? []) lines.push(sinkLine(k));
      } else {
        lines.push(
          `(no details: ${kernel ? `token rejected (${kernel.status}); run omega login --url ${url}` : token ? 'the kernel did not answer' : `not signed in; run omega login --url ${url} or pass --token`})`,
        );
      }
      return lines.join('\n');
    });
    return ready.ok ? 0 : 1;
  },
};
