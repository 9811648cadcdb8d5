import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { agentError } from '../errors/index.js';

/** SHA-256 (base64url, the form join tokens carry) of a certificate's DER bytes. */
export function certificateSha256(der: Buffer): string {
  return createHash('sha256').update(der).digest('base64url');
}

/**
 * Opens a TLS connection whose server certificate must be exactly the one whose SHA-256
 * (base64url) is `pin` — any other is refused before a byte of the agent's own goes out (kubeadm's discovery
 * hash: the CA chain and the name do not matter, the pinned certificate does). Rejects with
 * OMEGA_ERR_AGENT_CERT_MISMATCH, or OMEGA_ERR_AGENT_UNREACHABLE when no TLS session comes up.
 */
export function connectPinnedTls(url: URL, pin: string, timeoutMs: number): Promise<TLSSocket> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      ...(isIP(host) ? {} : { servername: host }),
      // The chain is not what is trusted here; the pinned certificate is (checked below).
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        agentError(
          'OMEGA_ERR_AGENT_UNREACHABLE',
          `No TLS session with ${host}:${port} within ${timeoutMs} ms.`,
        ),
      );
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(agentError('OMEGA_ERR_AGENT_UNREACHABLE', `Cannot reach ${host}:${port}: ${err.message}.`));
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const der = socket.getPeerCertificate().raw;
      const got = der ? certificateSha256(der) : '';
      const ok = got.length === pin.length && timingSafeEqual(Buffer.from(got), Buffer.from(pin));
      if (!ok) {
        socket.destroy();
        reject(
          agentError(
            'OMEGA_ERR_AGENT_CERT_MISMATCH',
            `${host}:${port} presented a certificate with SHA-256 ${got || '(none)'}, not the pinned ${pin}; refusing it.`,
            { got, pinned: pin },
          ),
        );
        return;
      }
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
