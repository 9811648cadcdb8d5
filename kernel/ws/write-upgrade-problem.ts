import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../errors/index.js';

/** How long a refused socket may linger after the response before it is destroyed. */
const LINGER_MS = 5_000;

/**
 * Refuses an upgrade with a real HTTP response: status line, `application/problem+json`
 * body (RFC 9457, via toProblem), `Connection: close`; then ends the socket.
 */
export function writeUpgradeProblem(socket: Duplex, err: unknown, instance: string): number {
  const problem = toProblem(err, { instance });
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return problem.status;
  }
  const body = JSON.stringify(problem);
  const lines = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  if (problem.status === 401) lines.push('WWW-Authenticate: Bearer');
  if (problem.status === 405 && Array.isArray(problem.allow))
    lines.push(`Allow: ${problem.allow.join(', ')}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  socket.resume(); // read (and discard) what the client still sends, so its FIN completes the close
  if ('setTimeout' in socket && typeof socket.setTimeout === 'function') {
    socket.setTimeout(LINGER_MS, () => socket.destroy());
  }
  return problem.status;
}
