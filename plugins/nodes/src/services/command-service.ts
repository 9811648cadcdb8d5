import { pluginError, type ServiceCaller } from '@omega/sdk';
import { DEFAULT_COMMAND_TIMEOUT_MS, MAX_COMMAND_TIMEOUT_MS } from '../commands/command-channel.js';
import type { CommandArgs, CommandResult } from '../contract.js';
import { nodeError } from '../errors/node-errors.js';
import type { NodesRuntime } from '../runtime.js';

/** The caller's id (the id on the wire is `<plugin>/<id>`, at most 128 characters in all). */
const ID = /^[A-Za-z0-9._:-]{1,80}$/;
/** An agent operation, as the wire protocol allows it. */
const OP = /^[a-z][a-zA-Z0-9._-]{0,63}$/;

const invalid = (field: string, message: string) =>
  pluginError('OMEGA_ERR_VALIDATION', `${field}: ${message}`, { errors: [{ field, message }] });

/** `nodes.command`: sends a command to a node's agent and resolves its result (at most once per id). */
export async function commandService(
  rt: NodesRuntime,
  args: unknown,
  caller: ServiceCaller,
): Promise<CommandResult> {
  const a = (args ?? {}) as Partial<CommandArgs>;
  if (typeof a.node !== 'string' || a.node.length === 0 || a.node.length > 256)
    throw invalid('node', 'a node id or name is required');
  if (typeof a.id !== 'string' || !ID.test(a.id))
    throw invalid('id', 'must be 1–80 of letters, digits, . _ : -');
  if (typeof a.op !== 'string' || !OP.test(a.op))
    throw invalid('op', 'must be an operation name such as ping or session.start');
  const timeoutMs = a.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  if (
    typeof timeoutMs !== 'number' ||
    !Number.isInteger(timeoutMs) ||
    timeoutMs < 1 ||
    timeoutMs > MAX_COMMAND_TIMEOUT_MS
  )
    throw invalid(
      'timeoutMs',
      `must be an integer from 1 to ${MAX_COMMAND_TIMEOUT_MS} (call again with the same id to wait longer)`,
    );
  const e = rt.registry.find(a.node);
  const slurm = e ? undefined : rt.slurm.find(a.node);
  if (slurm)
    throw nodeError(
      'NODES_ERR_SLURM_MANAGED',
      `Node ${slurm.record.name} is managed by Slurm and has no agent: nothing was sent. Run work on it as a Slurm session.`,
      { node: slurm.record.id, managedBy: 'slurm' },
    );
  if (!e) throw pluginError('OMEGA_ERR_NOT_FOUND', `No node ${a.node}.`, { node: a.node });
  const r = e.record;
  return rt.commands.run(
    caller.plugin,
    { node: r.id, id: a.id, op: a.op, args: a.args ?? null, timeoutMs },
    Date.now(),
    () => `${r.state} since ${r.since}: ${r.reason}`,
  );
}
