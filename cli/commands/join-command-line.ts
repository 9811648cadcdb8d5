/**
 * The command `omega nodes token create` tells the operator to run on the new machine. The token
 * goes in the environment, not in a flag: a flag is in the agent's argv, which every local user
 * reads in `ps` (docs/agent.md), while a process's environment is its owner's alone.
 */
export function joinCommandLine(server: string | undefined, token: string): string {
  return `OMEGA_AGENT_JOIN_TOKEN=${token} omega agent --server ${server ?? 'URL'} --name NAME`;
}
