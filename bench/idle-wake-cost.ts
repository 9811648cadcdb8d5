import { spawn } from 'node:child_process';

/**
 * CPU µs per second of a bare node process woken `perSec` times a second (a 1 s interval, plus
 * `perSec - 1` timers spread over each second), measured over `seconds` by the process itself.
 * Woken once and twice, the difference is what one wake-up with nothing to do costs on this
 * machine now: the price of each wake-up a collection adds, which moves with the machine's
 * idleness (deeper idle states cost more to leave).
 */
export function idleWakeCost(perSec: number, seconds: number): Promise<number> {
  const code = `const extra=${perSec - 1};setInterval(()=>{for(let i=0;i<extra;i++)setTimeout(()=>{},50+i*200)},1000);const c0=process.cpuUsage();setTimeout(()=>{const c=process.cpuUsage(c0);console.log((c.user+c.system)/${seconds});process.exit(0)},${seconds * 1000});`;
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', () => (out ? res(Number(out)) : rej(new Error('wake-up probe failed'))));
  });
}
