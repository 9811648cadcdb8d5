// `omega sessions`: the command lives in ./sessions/, one file per action; this module only re-exports.
export { exitCodeOf } from './sessions/run-session.js';
export { sessionsCommand } from './sessions/sessions-command.js';
export { specFromFlags } from './sessions/spec-from-flags.js';
