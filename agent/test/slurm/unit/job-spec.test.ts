import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildBatchScript, shellQuote } from '../../../src/slurm/build-batch-script.js';
import { DEFAULT_JOB_PATH, validateJobSpec } from '../../../src/slurm/validate-job-spec.js';

const HOSTILE_ARGS = [
  "it's",
  '$(touch /tmp/pwned)',
  '`id`',
  'a\nb\n#SBATCH --uid=0',
  '; rm -rf / #',
  '"double" \\back\\',
  '',
  ' leading and trailing ',
  'é日本✓',
  '*',
  '-n',
];

describe('the batch script of a command', () => {
  it('hands every argument to the command byte for byte, nothing expanded (run by a real /bin/sh)', () => {
    const spec = validateJobSpec(
      { command: '/usr/bin/printf', args: ['%s\\0', ...HOSTILE_ARGS], cwd: '/' },
      null,
    );
    const script = buildBatchScript(spec);
    expect(script.startsWith('#!/bin/sh\nexec ')).toBe(true);
    const r = spawnSync('/bin/sh', ['-s'], { input: script, cwd: '/' });
    expect(r.status).toBe(0);
    expect(r.stdout.toString('utf8').split('\0').slice(0, -1)).toEqual(HOSTILE_ARGS);
  });

  it('quotes one word so a POSIX shell reads it back unchanged', () => {
    for (const w of HOSTILE_ARGS) {
      const r = spawnSync('/bin/sh', ['-c', `printf %s ${shellQuote(w)}`]);
      expect(r.stdout.toString('utf8')).toBe(w);
    }
  });
});

describe('the batch script of a script', () => {
  it('turns the leading #SBATCH/#SLURM/#PBS directives into comments and leaves the rest alone', () => {
    const script =
      '#!/bin/bash\n# a comment\n#SBATCH --uid=0\n  \n#SLURM -p other\n#PBS -q x\necho hi\n#SBATCH --not-a-directive-any-more\n';
    const out = buildBatchScript(validateJobSpec({ script, cwd: '/' }, null));
    expect(out).toBe(
      '#!/bin/bash\n# a comment\n# omega: ignored directive: SBATCH --uid=0\n  \n# omega: ignored directive: SLURM -p other\n# omega: ignored directive: PBS -q x\necho hi\n#SBATCH --not-a-directive-any-more\n',
    );
  });
});

describe('job spec validation', () => {
  it('fills the defaults', () => {
    expect(validateJobSpec({ command: 'hostname', cwd: '/work/./x/' }, 'batch')).toEqual({
      command: 'hostname',
      args: [],
      script: null,
      env: { PATH: DEFAULT_JOB_PATH },
      cwd: '/work/x/',
      cores: 1,
      memoryMiB: null,
      gpus: null,
      timeLimitMinutes: null,
      name: 'omega',
      partition: 'batch',
    });
  });

  it('keeps the caller’s PATH and values exactly', () => {
    const env = { PATH: '/opt/bin', V: 'a=b,c\nd' };
    expect(validateJobSpec({ command: 'x', cwd: '/', env }, null).env).toEqual(env);
  });

  it.each([
    [[], 'spec'],
    ['string', 'spec'],
    [{ command: 'x', cwd: '/', args: Array(5000).fill('a') }, 'args'],
    [{ script: `#!/bin/sh\n${'x'.repeat(1024 * 1024)}`, cwd: '/' }, 'script'],
    [
      {
        command: 'x',
        cwd: '/',
        env: Object.fromEntries(Array.from({ length: 1100 }, (_, i) => [`V${i}`, ''])),
      },
      'env',
    ],
    [{ command: 'x', cwd: '/', env: { SLURM_CONF: '/etc/evil.conf' } }, 'env.SLURM_CONF'],
    [{ command: 'x', cwd: '/', env: { SPANK_X: '1' } }, 'env.SPANK_X'],
    [{ command: 'x', cwd: '/', env: [] }, 'env'],
    [{ command: 'x', cwd: '/a\nb' }, 'cwd'],
    [{ command: 'x', cwd: '/a\\b' }, 'cwd'],
    [{ command: 'x', cwd: '/', gpus: -1 }, 'gpus'],
    [{ command: 'x', cwd: '/', memoryMiB: Number.NaN }, 'memoryMiB'],
    [{ command: 'x', cwd: '/', name: '' }, 'name'],
    [{ command: 'x', cwd: '/', partition: '-p' }, 'partition'],
    [{ command: '', cwd: '/' }, 'command'],
    [{ script: '#!/bin/sh\n', args: ['a'], cwd: '/' }, 'args'],
    [{ command: 'x', cwd: '/', __proto__: { cores: 2 }, extra: 1 }, 'extra'],
  ])('refuses %#', (spec, field) => {
    expect(() => validateJobSpec(spec, null)).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_VALIDATION', extras: { field } }),
    );
  });
});
