/**
 * Who is calling a plugin route, as the kernel authenticated them. Kinds: a signed-in `user`
 * (access token), an `api-token` (acting for its owner), a node agent (`node`, signed
 * requests), the operator's opt-in `admin-token`, or `anonymous` on a public route.
 */
export interface RouteCaller {
  readonly kind: 'user' | 'api-token' | 'node' | 'admin-token' | 'anonymous';
  /** Stable id: the user id (an API token's owner), the agent id, `admin`; '' when anonymous. */
  readonly id: string;
  /** A display name: the username, the API token's or the agent's name. */
  readonly name?: string;
  /** The caller's permissions (RBAC patterns such as `nodes:*`) and explicit denials. */
  readonly permissions: readonly string[];
  readonly denied?: readonly string[];
  /** The client's address as the kernel's socket saw it. */
  readonly remote?: string;
}

/** Who is calling a plugin's service: another plugin (identity from its channel), or the kernel. */
export interface ServiceCaller {
  readonly plugin: string;
  readonly version: string;
}
