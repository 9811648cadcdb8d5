/** A node name: 1–63 of `[A-Za-z0-9._-]`, starting with a letter or digit (a hostname fits). */
export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Names a new node may not take: the fixed segments of the API under `/api/v1/nodes/`. A node
 * named `tokens` would be unreachable by name there (`GET /api/v1/nodes/tokens` is the token
 * list, and `omega nodes show tokens` printed a TypeError).
 */
export const RESERVED_NODE_NAMES: ReadonlySet<string> = new Set(['pending', 'settings', 'tokens']);

/** True when `name` is a valid node name. */
export const isNodeName = (name: string): boolean => NODE_NAME.test(name);

/** True when `name` is one of {@link RESERVED_NODE_NAMES} (exactly: routes match case-sensitively). */
export const isReservedNodeName = (name: string): boolean => RESERVED_NODE_NAMES.has(name);
