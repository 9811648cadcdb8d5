import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { systemErrorText } from '../../cli/system-error-text.js';

/** What `promise` rejected with. */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (e) => e,
  );

describe('systemErrorText, the CLI’s last resort for an error nothing named', () => {
  it('says what failed and what to check instead of Node’s own text', async () => {
    expect(systemErrorText(await rejection(readFile('/nonexistent/x')))).toBe(
      'cannot open /nonexistent/x (no such file or directory, ENOENT); check the path and its permissions',
    );
    expect(systemErrorText(await rejection(lookup('not a host')))).toMatch(
      /^cannot resolve the host name "not a host" \((ENOTFOUND|EAI_AGAIN)\); check its spelling, or give an IP address$/,
    );
  });

  it('leaves any other error to the caller', () => {
    expect(systemErrorText(new Error('x'))).toBeUndefined();
    expect(systemErrorText(Object.assign(new Error('x'), { code: 'OMEGA_ERR_X' }))).toBeUndefined();
    expect(systemErrorText(null)).toBeUndefined();
  });
});
