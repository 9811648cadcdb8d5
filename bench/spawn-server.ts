import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** A benchmark server in its own process (so the load generator does not share its event loop). */
export interface BenchServer {
  info: { url: string; token?: string };
  stop(): Promise<void>;
}

/** Spawns `node --import tsx <script>` and waits for the JSON line it prints when listening. */
export async function spawnServer(script: string, env: NodeJS.ProcessEnv = {}): Promise<BenchServer> {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await once(lines, 'line')) as [string];
  lines.close();
  child.stdout!.resume();
  return {
    info: JSON.parse(first) as { url: string; token?: string },
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
