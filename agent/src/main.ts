import { runAgentCli } from './cli/run-agent-cli.js';

/** The `omega-agent` bin: runs the CLI, then exits with its code once stdout drained. */
runAgentCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 50).unref();
});
