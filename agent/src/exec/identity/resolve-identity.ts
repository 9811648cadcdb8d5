import { execError } from '../errors/index.js';
import { lookupUser } from './lookup-user.js';
import type { UidAllocator } from './uid-allocator.js';

/** Who a session runs as. `allocated`: a uid of the agent's range, used by this session alone. */
export interface SessionIdentity {
  uid: number;
  gid: number;
  name: string | null;
  home: string | null;
  allocated: boolean;
}

/** What identity resolution needs from the executor. */
export interface IdentityPolicy {
  /** The agent runs as root (only then can it switch users). */
  root: boolean;
  /** Lowest uid a mapped account may have (system accounts below it are refused). */
  minUid: number;
  allocator: UidAllocator | null;
  passwdPath?: string;
}

const refuse = (detail: string, extras: Record<string, unknown> = {}) =>
  execError('OMEGA_ERR_EXEC_IDENTITY', detail, extras);

/**
 * Resolves the spec's `user` (a mapped account) or allocates a uid. Never root: uid 0, system
 * accounts below `minUid` and uids of the allocation range are refused for mapped accounts.
 */
export async function resolveIdentity(
  user: string | number | undefined,
  policy: IdentityPolicy,
): Promise<SessionIdentity> {
  if (!policy.root) {
    const self = { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 };
    if (user !== undefined && user !== self.uid) {
      throw refuse('The agent is not root, so sessions run as the agent’s own user; drop `user`.', { user });
    }
    return { ...self, name: null, home: null, allocated: false };
  }
  if (user === undefined) {
    if (!policy.allocator) throw refuse('No `user` given and no uidRange configured to allocate one from.');
    const uid = await policy.allocator.allocate();
    return { uid, gid: uid, name: null, home: null, allocated: true };
  }
  const entry = await lookupUser(user, policy.passwdPath);
  if (!entry && typeof user === 'string') throw refuse(`No account named "${user}" on this node.`, { user });
  const uid = entry?.uid ?? (user as number);
  if (uid === 0) throw refuse('Sessions never run as root.', { user });
  if (uid < policy.minUid)
    throw refuse(`uid ${uid} is a system account (below ${policy.minUid}).`, { user, minUid: policy.minUid });
  if (policy.allocator?.inRange(uid))
    throw refuse(`uid ${uid} belongs to the agent’s allocation range.`, { user });
  const gid = entry?.gid ?? uid;
  if (gid === 0)
    throw refuse(`Account ${entry?.name ?? uid} has the root group as its primary group.`, { user });
  return { uid, gid, name: entry?.name ?? null, home: entry?.home ?? null, allocated: false };
}
