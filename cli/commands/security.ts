import { resolve } from 'node:path';
import { breakGlass, MAX_BREAK_GLASS_SEC } from '../../kernel/index.js';
import { type Command, UsageError } from '../command.js';

/** `omega security break-glass`: an admin token for a kernel whose security plugin is down. */
export const securityCommand: Command = {
  name: 'security',
  summary: 'Break-glass access when the security plugin is quarantined (run on the kernel machine).',
  usage: 'omega security break-glass [--data-dir DIR] [--ttl SECONDS]',
  options: {
    'data-dir': { type: 'string', description: 'The kernel data directory (default ./data)' },
    ttl: {
      type: 'string',
      description: `Token lifetime in seconds (default 900, at most ${MAX_BREAK_GLASS_SEC})`,
    },
  },
  actions: ['break-glass'],
  async run(values, positionals) {
    if (positionals[0] !== 'break-glass')
      throw new UsageError('omega security: the only action is break-glass');
    const ttl = values.ttl === undefined ? 900 : Number(values.ttl);
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > MAX_BREAK_GLASS_SEC) {
      throw new UsageError(`--ttl must be whole seconds between 60 and ${MAX_BREAK_GLASS_SEC}`);
    }
    const dataDir = resolve(typeof values['data-dir'] === 'string' ? values['data-dir'] : 'data');
    const r = await breakGlass(dataDir, ttl);
    process.stdout.write(
      `break-glass admin token written to ${r.tokenFile} (mode 0600), valid until ${r.expiresAt}; logged in ${r.logFile}.\n` +
        'It works only while the security plugin is down. Lift the quarantine with:\n' +
        `  omega plugin reload security --token "$(cat ${r.tokenFile})"\n`,
    );
    return 0;
  },
};
