// `omega users|roles|tokens|audit`: commands over the security plugin's API, one file each; this module only re-exports.
export { auditCommand } from './audit-command.js';
export { rolesCommand } from './roles-command.js';
export { tokensCommand } from './tokens-command.js';
export { usersCommand } from './users-command.js';
