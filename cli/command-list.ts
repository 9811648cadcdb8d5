import type { Command } from './command.js';
import { agentCommand } from './commands/agent.js';
import { alertsCommand } from './commands/alerts.js';
import { contextCommand } from './commands/context.js';
import { loginCommand, logoutCommand } from './commands/login.js';
import { marketplaceCommand } from './commands/marketplace.js';
import { nodesCommand } from './commands/nodes.js';
import { pluginCommand } from './commands/plugin.js';
import { securityCommand } from './commands/security.js';
import { auditCommand, rolesCommand, tokensCommand, usersCommand } from './commands/security-api/index.js';
import { sessionsCommand } from './commands/sessions.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';

/** Every `omega` command, in the order `omega --help` lists them. */
export const COMMANDS: readonly Command[] = [
  startCommand,
  statusCommand,
  loginCommand,
  logoutCommand,
  contextCommand,
  pluginCommand,
  marketplaceCommand,
  usersCommand,
  rolesCommand,
  tokensCommand,
  auditCommand,
  securityCommand,
  nodesCommand,
  sessionsCommand,
  alertsCommand,
  agentCommand,
];
