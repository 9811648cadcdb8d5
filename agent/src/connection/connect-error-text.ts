import { CERT_DATE_CODES, PLAIN_ANSWER_CODES, UNTRUSTED_CERT_CODES } from '@omega/protocol';

/** What the kernel's agent gateway answers a handshake it cannot take now (create-agent-gateway.ts). */
const BUSY = new Set(['429', '503']);
/** What a proxy answers with no kernel behind it. */
const GATEWAY = new Set(['502', '504']);

/**
 * Why the agent's WebSocket to `url` failed, in one line that says what to check — not a raw
 * OpenSSL record or `Unexpected server response: 404`. Unknown errors keep their first line.
 */
export function connectErrorText(err: Error & { code?: string }, url: URL): string {
  const host = url.host;
  const code = err.code ?? '';
  const message = err.message ?? '';
  const status = /^Unexpected server response: (\d{3})/.exec(message)?.[1];
  if (status && BUSY.has(status))
    return `${host} is busy or stopping (HTTP ${status}): the kernel takes the agent once it can`;
  if (status && GATEWAY.has(status))
    return `a proxy in front of ${host} answered HTTP ${status}: is the kernel behind it running?`;
  if (status)
    return `${host} answered HTTP ${status}, not the agent WebSocket: check that --server names an Omega kernel (its URL and port)`;
  if (PLAIN_ANSWER_CODES.has(code) || /wrong version number/.test(message))
    return `${host} does not speak TLS on that port: use http:// in --server, or the kernel's TLS port`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `the kernel's certificate is not for ${url.hostname}: use the name it was issued for in --server`;
  if (CERT_DATE_CODES.has(code))
    return `the kernel's certificate is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'}: renew it, or check this machine's clock`;
  if (UNTRUSTED_CERT_CODES.has(code))
    return `the kernel's certificate is not trusted (${code}): pin it with --cert-sha256 (a join token of omega nodes token create carries it)`;
  if (code === 'ECONNREFUSED')
    return `nothing listens at ${host}: is the kernel running, and is --server right?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `the host name ${url.hostname} does not resolve (${code}): check --server`;
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return `${host} closed the connection (${code}): check that --server names an Omega kernel`;
  return `${message.split('\n')[0]?.trim() || code || 'connection failed'}`;
}
