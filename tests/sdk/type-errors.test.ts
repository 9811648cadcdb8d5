import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const FILE = join(import.meta.dirname, 'ctx-types.test-d.ts');

let previous: ts.Program | undefined;

function diagnosticsOf(source: string): ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    },
  );
  if (!config) throw new Error('tsconfig.json not readable');
  const host = ts.createCompilerHost(config.options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === FILE ? source : read(f));
  const program = ts.createProgram({
    rootNames: [FILE],
    options: config.options,
    host,
    oldProgram: previous,
  });
  previous = program;
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === FILE);
}

describe('sdk type test (ctx-types.test-d.ts)', () => {
  it('compiles as written, and every line marked @ts-expect-error fails to compile without its mark', () => {
    const text = readFileSync(FILE, 'utf8');
    expect(diagnosticsOf(text).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);

    const lines = text.split('\n');
    const marked = lines.flatMap((l, i) => (/^\s*\/\/ @ts-expect-error/.test(l) ? [i + 1] : []));
    expect(marked.length).toBeGreaterThanOrEqual(15);
    const stripped = lines.map((l) => (/^\s*\/\/ @ts-expect-error/.test(l) ? '' : l)).join('\n');
    const errorLines = new Set(
      diagnosticsOf(stripped).map((d) => {
        const file = d.file as ts.SourceFile;
        return file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
      }),
    );
    const missed = marked.filter((m) => !errorLines.has(m + 1));
    expect(missed, `lines that compiled although marked as misuse: ${missed.join(', ')}`).toEqual([]);
  });
});
