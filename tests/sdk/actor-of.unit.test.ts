import { actorOf } from '@omega/sdk';
import { describe, expect, it } from 'vitest';

/* actorOf: the caller of a route as the plugins record it (audit `actor`, `source`, an `updatedBy`). */
describe('actorOf', () => {
  it('takes the id, the name (else the id) and the address the kernel saw', () => {
    expect(actorOf({ caller: { id: 'u1', name: 'ada', remote: '127.0.0.1' } })).toEqual({
      id: 'u1',
      name: 'ada',
      source: '127.0.0.1',
    });
    expect(actorOf({ caller: { id: 'admin' } })).toEqual({ id: 'admin', name: 'admin' });
  });

  it('names a caller without an id anonymous, and leaves out an empty address', () => {
    expect(actorOf({ caller: { id: '', remote: '' } })).toEqual({ id: 'anonymous', name: 'anonymous' });
  });
});
