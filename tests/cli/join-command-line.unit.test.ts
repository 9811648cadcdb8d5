import { describe, expect, it } from 'vitest';
import { joinCommandLine } from '../../cli/commands/join-command-line.js';

/*
 * Found from outside: `omega nodes token create` printed `omega agent … --join-token <token>`,
 * the form docs/agent.md warns against (a flag shows in `ps` to every local user while the
 * agent runs). The printed line passes it in the environment.
 */
describe('omega nodes token create: the line to run', () => {
  it('passes the token in OMEGA_AGENT_JOIN_TOKEN, never as a flag', () => {
    const token = 'omg-join.usrrMXW3ksyS.kdr_gDK1E9c63LxX5rLSXhL2uIgQ1_vqqqzZXQL3MRc';
    const line = joinCommandLine('https://omega.example:7700', token);
    expect(line).toBe(
      `OMEGA_AGENT_JOIN_TOKEN=${token} omega agent --server https://omega.example:7700 --name NAME`,
    );
    const argv = line.split(' omega agent ')[1]!;
    expect(argv).not.toContain(token);
    expect(argv).not.toContain('--join-token');
  });
});
