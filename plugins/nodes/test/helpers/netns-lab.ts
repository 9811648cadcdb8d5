import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

/** Why namespaces cannot be used here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    execFileSync('iptables', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'the ip (iproute2) and iptables tools are missing';
  }
  return undefined;
}

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
const quiet = (cmd: string, args: string[]) => {
  try {
    run(cmd, args);
  } catch {
    // already gone
  }
};

/** A /24 of 10.203.x.0 that no interface of this machine uses. */
function freeSubnet(): number {
  const used = execFileSync('ip', ['-4', '-o', 'addr'], { encoding: 'utf8' });
  for (let x = 100; x < 250; x++) if (!used.includes(`10.203.${x}.`)) return x;
  throw new Error('no free 10.203.x.0/24');
}

/**
 * One extra host on this machine: a network namespace joined to the host by a veth pair
 * (host 10.203.x.1, namespace 10.203.x.11), with the link cut, healed and made lossy the way a
 * real one fails (SUBSTRATE-NOTES.md: a cut link is silence; loss is applied where traffic
 * enters each side). Everything is removed by {@link NetnsLab.destroy}.
 */
export class NetnsLab {
  readonly ns = `omega-nt-${randomBytes(3).toString('hex')}`;
  readonly hostIf = `onh${randomBytes(3).toString('hex')}`;
  readonly nsIf = `onn${randomBytes(3).toString('hex')}`;
  readonly subnet = freeSubnet();
  readonly hostAddr = `10.203.${this.subnet}.1`;
  readonly nsAddr = `10.203.${this.subnet}.11`;
  private readonly procs: ChildProcess[] = [];
  private lossy = false;

  constructor() {
    try {
      run('ip', ['netns', 'add', this.ns]);
      run('ip', ['link', 'add', this.hostIf, 'type', 'veth', 'peer', 'name', this.nsIf]);
      run('ip', ['link', 'set', this.nsIf, 'netns', this.ns]);
      run('ip', ['addr', 'add', `${this.hostAddr}/24`, 'dev', this.hostIf]);
      run('ip', ['link', 'set', this.hostIf, 'up']);
      run('ip', ['netns', 'exec', this.ns, 'ip', 'addr', 'add', `${this.nsAddr}/24`, 'dev', this.nsIf]);
      run('ip', ['netns', 'exec', this.ns, 'ip', 'link', 'set', this.nsIf, 'up']);
      run('ip', ['netns', 'exec', this.ns, 'ip', 'link', 'set', 'lo', 'up']);
    } catch (err) {
      this.destroy();
      throw err;
    }
  }

  /** Runs a command inside the namespace; `onLine` gets each stdout line. */
  spawnIn(cmd: string, args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void): ChildProcess {
    const p = spawn('ip', ['netns', 'exec', this.ns, cmd, ...args], { env: { ...process.env, ...env } });
    createInterface({ input: p.stdout! }).on('line', onLine);
    p.stderr?.on('data', () => {});
    this.procs.push(p);
    return p;
  }

  /** Cuts the link: silence, no error (no RST, no FIN). */
  cut(): void {
    run('ip', ['link', 'set', this.hostIf, 'down']);
  }

  /** Heals the link and flushes stale neighbours (else the first connect fails with EHOSTUNREACH). */
  heal(): void {
    run('ip', ['link', 'set', this.hostIf, 'up']);
    quiet('ip', ['neigh', 'flush', 'dev', this.hostIf]);
    quiet('ip', ['netns', 'exec', this.ns, 'ip', 'neigh', 'flush', 'dev', this.nsIf]);
  }

  /** Drops `ratio` of the packets entering each side of the link (iptables statistic). */
  loss(ratio: number): void {
    const rule = ['-m', 'statistic', '--mode', 'random', '--probability', String(ratio), '-j', 'DROP'];
    run('iptables', ['-I', 'INPUT', '-i', this.hostIf, ...rule]);
    run('ip', ['netns', 'exec', this.ns, 'iptables', '-I', 'INPUT', '-i', this.nsIf, ...rule]);
    this.lossy = true;
  }

  /** Removes the loss rules. */
  clearLoss(): void {
    if (!this.lossy) return;
    this.lossy = false;
    // Delete every rule on our interface (the namespace's go with the namespace).
    const rules = execFileSync('iptables', ['-S', 'INPUT'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(`-i ${this.hostIf} `));
    for (const r of rules) quiet('iptables', ['-D', ...r.replace(/^-A /, '').split(' ')]);
  }

  /** Kills what ran inside, removes the rules, the veth pair and the namespace. */
  destroy(): void {
    for (const p of this.procs) p.kill('SIGKILL');
    this.clearLoss();
    quiet('ip', ['link', 'del', this.hostIf]);
    quiet('ip', ['netns', 'del', this.ns]);
  }
}
