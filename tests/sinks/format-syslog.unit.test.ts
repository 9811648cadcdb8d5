import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../kernel/config/index.js';
import { formatSyslog, parseSyslogAddress, redactUrl } from '../../kernel/sinks/index.js';

const header = { facility: 4, hostname: 'node 1', appName: 'omega', procId: 42 };
const event = (topic: string, data: unknown) => ({ seq: 7, topic, time: Date.UTC(2026, 11, 5, 10), data });

describe('formatSyslog', () => {
  it('writes PRI, time, printable header fields, escaped structured data and JSON', () => {
    const m = formatSyslog(header, event('security.audit.checkpoint', { seq: 100 }));
    // auth (4) × 8 + notice (5) for security topics
    expect(m).toBe(
      '<37>1 2026-12-05T10:00:00.000Z node_1 omega 42 security.audit.checkpoint [omega@32473 seq="7" topic="security.audit.checkpoint"] {"seq":100}',
    );
    expect(formatSyslog(header, event('ops.a', null))).toMatch(
      /^<38>1 .* ops\.a \[omega@32473 seq="7" topic="ops\.a"\] null$/,
    );
  });

  it('cuts an oversized message to the byte bound and marks it, without splitting a character', () => {
    const m = formatSyslog(header, event('ops.big', 'é'.repeat(5000)), 512);
    expect(Buffer.byteLength(m)).toBeLessThanOrEqual(512);
    expect(m).toContain('truncated="true"');
    expect(m).not.toContain('\uFFFD');
  });

  it('keeps MSGID within 32 printable characters', () => {
    const m = formatSyslog(header, event(`ops.${'x'.repeat(60)}`, 1));
    expect(m.split(' ')[5]).toHaveLength(32);
  });
});

describe('sink addresses', () => {
  it('parses udp and tcp addresses, IPv6 included', () => {
    expect(parseSyslogAddress('udp://127.0.0.1:514')).toEqual({ proto: 'udp', host: '127.0.0.1', port: 514 });
    expect(parseSyslogAddress('tcp://[::1]:601')).toEqual({ proto: 'tcp', host: '::1', port: 601 });
  });

  it('refuses a webhook URL with user info, without quoting the secret', () => {
    const sink = { type: 'webhook', name: 'siem', topics: ['ops.**'] };
    let message = '';
    try {
      parseConfig({ sinks: [{ ...sink, url: 'https://user:s3cret-pw@siem.example/hook' }] });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/sinks\.0\.url: must not carry user info/);
    expect(message).not.toContain('s3cret-pw');
    expect(parseConfig({ sinks: [{ ...sink, url: 'https://siem.example/hook?x=1' }] }).sinks).toHaveLength(1);
  });

  it('redacts credentials and query from webhook URLs', () => {
    expect(redactUrl('https://user:pw@siem.example:8443/hook?token=abc')).toBe(
      'https://siem.example:8443/hook?…',
    );
  });
});
