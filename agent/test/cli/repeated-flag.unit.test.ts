import { describe, expect, it } from 'vitest';
import { type AgentCliIo, runAgentCli } from '../../src/cli/run-agent-cli.js';

/** An io that records what the CLI writes and never installs a signal handler. */
function recording(): AgentCliIo & { err: string[] } {
  const err: string[] = [];
  return {
    err,
    stdout: () => {},
    stderr: (t) => err.push(t),
    env: {},
    onSignal: () => () => {},
    exit: () => {},
  };
}

describe('omega-agent, a value flag given twice', () => {
  it('is a usage error naming it (exit 2), not the last one kept', async () => {
    const io = recording();
    const code = await runAgentCli(
      ['--server', 'http://127.0.0.1:9', '--server', 'http://127.0.0.1:10'],
      'omega-agent',
      io,
    );
    expect(code).toBe(2);
    expect(io.err.join('')).toBe(
      'omega-agent: --server was given twice; give it once (run omega-agent --help)\n',
    );
  });

  it('a boolean flag given twice is still one flag', async () => {
    const io = recording();
    expect(await runAgentCli(['--help', '--help'], 'omega-agent', io)).toBe(0);
    expect(io.err).toEqual([]);
  });
});
