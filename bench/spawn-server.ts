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
  // The first JSON line with a `url` that is not a log line: the server's log (e.g. a warning at
  // start) may come first.
  const lines = createInterface({ input: child.stdout! });
  let info: { url: string; token?: string } | undefined;
  for await (const line of lines) {
    try {
      const doc = JSON.parse(line) as { url?: unknown; level?: unknown };
      if (typeof doc.url === 'string' && doc.level === undefined) {
        info = doc as { url: string; token?: string };
        break;
      }
    } catch {}
  }
  lines.close();
  child.stdout!.resume();
  if (!info) throw new Error(`${script} exited before it printed where it listens`);
  return {
    info,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
