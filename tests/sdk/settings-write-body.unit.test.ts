import { bodyObject, errorCode, settingsWriteBody } from '@omega/sdk';
import { describe, expect, it } from 'vitest';

/* settingsWriteBody / bodyObject: the checks every plugin's settings write (nodes, sessions, resources) shares. */

/** What a route handler throws, as the kernel turns it into problem+json: status, code, detail, extras. */
function thrown(f: () => unknown): { status?: number; code?: string; detail: string; extras?: unknown } {
  try {
    f();
  } catch (e) {
    const err = e as { status?: number; message: string; extras?: unknown };
    return { status: err.status, code: errorCode(e), detail: err.message, extras: err.extras };
  }
  throw new Error('expected a throw');
}

describe('bodyObject', () => {
  it('answers a JSON object as it is, and {} for a missing optional body', () => {
    const body = { a: 1 };
    expect(bodyObject({ body })).toBe(body);
    expect(bodyObject({ body: undefined }, false)).toEqual({});
    expect(bodyObject({ body: null }, false)).toEqual({});
  });

  it('refuses a missing required body and anything not an object with a 400 naming body', () => {
    for (const [body, message] of [
      [undefined, 'a JSON object is required'],
      [null, 'a JSON object is required'],
      [[1, 2], 'must be a JSON object'],
      ['text', 'must be a JSON object'],
      [3, 'must be a JSON object'],
    ] as const) {
      const r = thrown(() => bodyObject({ body }));
      expect([r.status, r.code, r.extras]).toEqual([
        400,
        'OMEGA_ERR_VALIDATION',
        { errors: [{ field: 'body', message }] },
      ]);
    }
    // an array is refused even when the body is optional
    expect(thrown(() => bodyObject({ body: [] }, false)).status).toBe(400);
  });
});

describe('settingsWriteBody', () => {
  const settings = { version: 3 };

  it('answers the body when it names no version or the current one', () => {
    const fresh = { version: 3, retentionMs: 10 };
    expect(settingsWriteBody({ body: fresh }, settings)).toBe(fresh);
    expect(settingsWriteBody({ body: { retentionMs: 10 } }, settings)).toEqual({ retentionMs: 10 });
    // a store before its first write is at version 0
    expect(settingsWriteBody({ body: { version: 0 } }, { version: 0 })).toEqual({ version: 0 });
  });

  it('answers a stale version with a 409 carrying the current version, so the client reads again', () => {
    for (const sent of [2, 4, 0]) {
      const r = thrown(() => settingsWriteBody({ body: { version: sent, x: 1 } }, settings));
      expect([r.status, r.code, r.extras]).toEqual([409, 'OMEGA_ERR_CONFLICT', { version: 3 }]);
      expect(r.detail).toBe(`The settings are at version 3, not ${sent}: read them again and retry.`);
    }
  });

  it('refuses a version that is not an integer ≥ 0 with a 400 naming version, and a body that is no object', () => {
    for (const version of ['3', 3.5, -1, null, true]) {
      const r = thrown(() => settingsWriteBody({ body: { version } }, settings));
      expect([r.status, r.code]).toEqual([400, 'OMEGA_ERR_VALIDATION']);
      expect((r.extras as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual([
        'version',
      ]);
    }
    for (const body of [undefined, null, [{ version: 3 }], 'x']) {
      const r = thrown(() => settingsWriteBody({ body }, settings));
      expect([r.status, r.code]).toEqual([400, 'OMEGA_ERR_VALIDATION']);
      expect((r.extras as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(['body']);
    }
  });
});
