import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const CHILD = join(import.meta.dirname, 'kernel-child.ts');

/** A kernel child process (see kernel-child.ts) and how it ended. */
export interface KernelChild {
  proc: ChildProcess;
  /** Resolves with the URL once it serves; rejects with its error line when start-up fails. */
  ready: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts a kernel in a child process on `dataDir`, with `config` merged into the test defaults. */
export function spawnKernel(dataDir: string, config: Record<string, unknown> = {}): KernelChild {
  const proc = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CHILD, dataDir, JSON.stringify(config)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => {
      proc.on('close', (code, signal) => resolve({ code, signal, stderr }));
    },
  );
  const ready = new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      const m = /^ready (\S+) \d+$/m.exec(stdout);
      if (m) resolve(m[1]!);
    });
    proc.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`kernel child ended (${code ?? signal}): ${stderr}`)),
    );
  });
  ready.catch(() => {});
  return { proc, ready, exited };
}
