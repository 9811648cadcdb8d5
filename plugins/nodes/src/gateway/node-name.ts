/** A node name: 1–63 of `[A-Za-z0-9._-]`, starting with a letter or digit (a hostname fits). */
export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** True when `name` is a valid node name. */
export const isNodeName = (name: string): boolean => NODE_NAME.test(name);
