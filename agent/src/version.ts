import agentPackage from '../package.json' with { type: 'json' };

/** The agent's semver version (sent in `hello` and in its specs, advertised as TXT `v`). */
export const AGENT_VERSION: string = agentPackage.version;
