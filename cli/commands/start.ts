import { existsSync } from 'node:fs';
import {
  adminTokenPath,
  exitOnFatal,
  type KernelConfigInput,
  loadConfig,
  startKernel,
} from '../../kernel/index.js';
import { attachMarketplace } from '../../marketplace/index.js';
import { checkListen, listenError } from '../check-listen.js';
import type { Command } from '../command.js';
import { intFlag } from '../int-flag.js';
import { type LocalAgent, startLocalAgent } from './local-agent.js';

const str = { type: 'string' } as const;

/** `omega start`: run the kernel in the foreground until SIGTERM/SIGINT. */
export const startCommand: Command = {
  name: 'start',
  summary: 'Start the Omega kernel in the foreground (stops gracefully on SIGTERM/SIGINT).',
  usage:
    'omega start [--port N] [--host H] [--data-dir DIR] [--config FILE] [--log-level L] [--no-local-agent]',
  options: {
    port: { ...str, description: 'Port to listen on (default 7700; 0 picks a free one)' },
    host: { ...str, description: 'Address to bind (default 127.0.0.1)' },
    'data-dir': { ...str, description: 'Data directory (default ./data)' },
    config: { ...str, description: 'JSON config file (flags > env > file)' },
    'log-level': { ...str, description: 'fatal|error|warn|info|debug|trace|silent' },
    'no-local-agent': { type: 'boolean', description: "Do not start this machine's own node agent" },
  },
  noArguments: true,
  async run(values) {
    const flags: KernelConfigInput = {};
    const port = intFlag(values, 'port', { min: 0, max: 65535 });
    if (port !== undefined) flags.port = port;
    if (values.host !== undefined) flags.host = String(values.host);
    if (values['data-dir'] !== undefined) flags.dataDir = String(values['data-dir']);
    if (values['log-level'] !== undefined) flags.log = { level: values['log-level'] as never };
    const config = loadConfig({ file: values.config as string | undefined, env: process.env, flags });
    // Handlers go in before start-up, so a signal during start still stops gracefully.
    let signals = 0;
    let onStop: ((signal: NodeJS.Signals) => void) | undefined;
    const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
      onStop = resolve;
    });
    let forced: ((code: number) => void) | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        process.stderr.write(`omega: second ${signal}, exiting without waiting\n`);
        forced?.(1);
        process.exit(1);
      }
      onStop?.(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);

    // Start-up can wait on timers that do not hold a process open (journal flushes, back-offs);
    // without a handle of its own the process could end, silently and with 0, before it listens.
    const hold = setInterval(() => {}, 60_000);
    await checkListen(config.host, config.port).catch((err: unknown) => {
      clearInterval(hold);
      throw err;
    });
    const kernel = await startKernel(config)
      .catch((err: unknown) => {
        throw listenError(err, config.host, config.port) ?? err;
      })
      .finally(() => clearInterval(hold));
    // An error nothing handled: logged (and the log flushed), one line on stderr, exit 1.
    exitOnFatal(kernel.logger);
    attachMarketplace(kernel);
    const tokenHint = config.auth.adminToken
      ? 'admin token from config'
      : existsSync(adminTokenPath(config.dataDir)) && !kernel.auth.provider()
        ? `admin token in ${adminTokenPath(config.dataDir)}`
        : 'sign in through the security plugin';
    process.stderr.write(
      `Omega kernel listening on ${kernel.url} (data in ${config.dataDir}; ${tokenHint})\n`,
    );
    const local: LocalAgent | undefined =
      values['no-local-agent'] === true || signals > 0
        ? undefined
        : await startLocalAgent(kernel, (line) => process.stderr.write(`omega: ${line}\n`)).catch(
            (err: Error) => {
              process.stderr.write(`omega: no local agent: ${err.message}\n`);
              return undefined;
            },
          );
    return new Promise<number>((resolve) => {
      forced = resolve;
      stopRequested.then(async (signal) => {
        await local?.stop();
        return kernel.stop(signal).then(
          () => resolve(0),
          (err: unknown) => {
            process.stderr.write(`omega: shutdown failed: ${(err as Error).message}\n`);
            resolve(1);
          },
        );
      });
    });
  },
};
