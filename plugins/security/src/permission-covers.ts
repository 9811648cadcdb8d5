import type { PermissionSet as RbacSet } from '@omega/sdk';

export { permissionCovers } from '@omega/sdk';

import { allowsPermission } from '@omega/sdk';

/** A resolved permission set: grants and explicit denials (deny wins). */
export interface PermissionSet extends RbacSet {
  permissions: string[];
  denied: string[];
}

/** True when `set` grants `permission` and denies no part of it (the kernel's own rule). */
export function allows(set: PermissionSet, permission: string): boolean {
  return allowsPermission(set, permission);
}
