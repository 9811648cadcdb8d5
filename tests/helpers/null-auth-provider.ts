/**
 * A plugin's code that answers every question of the kernel's auth provider service: API tokens
 * are unknown, sessions inactive, no bootstrap needed. `members` adds to the plugin object
 * (e.g. `routes: { ping: () => ({ body: {} }) },`).
 */
export const nullAuthProvider = (members = ''): string => `export const plugin = {
  ${members}
  services: {
    'auth-provider': async (q) => {
      if (q.op === 'resolveApiToken' || q.op === 'resolveAgentKey') return null;
      if (q.op === 'introspect') return { active: false };
      if (q.op === 'bootstrapStatus') return { needed: false };
      return { armed: true };
    },
  },
};
`;
