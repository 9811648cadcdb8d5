import type { BusEvent } from '../bus/index.js';

/** What every message of one sink shares. */
export interface SyslogHeader {
  facility: number;
  hostname: string;
  appName: string;
  procId: number;
}

/** Private enterprise number 32473 is reserved for documentation and examples (RFC 5612). */
const SD_ID = 'omega@32473';
/** Security topics are `notice` (5), everything else `info` (6). */
const severityOf = (topic: string) => (topic.startsWith('security.') ? 5 : 6);
/** PRINTUSASCII without spaces, as HOSTNAME, APP-NAME and MSGID require. */
const printable = (s: string, max: number) => s.replace(/[^!-~]/g, '_').slice(0, max) || '-';
/** SD-PARAM values escape `"`, `\` and `]` (RFC 5424 §6.3.3). */
const sdValue = (s: string) => s.replace(/["\\\]]/g, (c) => `\\${c}`);

/**
 * One event as an RFC 5424 message: PRI from the facility and the topic, the event's time, the
 * topic as MSGID, `[omega@32473 seq=".." topic=".."]` as structured data and the event's data as
 * JSON in MSG. `maxBytes` cuts an oversized MSG (marked `truncated="true"`) for datagram transports.
 */
export function formatSyslog(h: SyslogHeader, e: BusEvent, maxBytes = Number.POSITIVE_INFINITY): string {
  const pri = h.facility * 8 + severityOf(e.topic);
  const head = `<${pri}>1 ${new Date(e.time).toISOString()} ${printable(h.hostname, 255)} ${printable(h.appName, 48)} ${h.procId} ${printable(e.topic, 32)}`;
  const sd = (extra: string) => `[${SD_ID} seq="${e.seq}" topic="${sdValue(e.topic)}"${extra}]`;
  const msg = JSON.stringify(e.data ?? null);
  const whole = `${head} ${sd('')} ${msg}`;
  if (Buffer.byteLength(whole) <= maxBytes) return whole;
  const prefix = `${head} ${sd(' truncated="true"')} `;
  const room = Math.max(0, maxBytes - Buffer.byteLength(prefix));
  return (
    prefix +
    Buffer.from(msg)
      .subarray(0, room)
      .toString('utf8')
      .replace(/\uFFFD$/, '')
  );
}
