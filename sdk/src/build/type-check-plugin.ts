import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { omegaError } from '@omega/protocol';
import type TS from 'typescript';
import { PLUGIN_ENTRY } from './plugin-layout.js';

type TypeScript = typeof TS;

/** One type error as the CLI prints it. */
export interface PluginTypeError {
  /** `src/index.ts:12:5`, relative to the plugin folder. */
  field: string;
  /** `TS2345: Argument of type …` on one line. */
  message: string;
}

/** The TypeScript compiler the plugin uses: its own (devDependency) first, else the sdk's. */
async function loadTypeScript(dir: string): Promise<TypeScript> {
  for (const from of [join(dir, 'package.json'), import.meta.url]) {
    let path: string;
    try {
      path = createRequire(from).resolve('typescript');
    } catch {
      continue;
    }
    const mod = (await import(pathToFileURL(path).href)) as { default?: TypeScript } & TypeScript;
    return mod.default ?? mod;
  }
  throw omegaError(
    'OMEGA_ERR_NOT_FOUND',
    'TypeScript is not installed: npm install --save-dev typescript in the plugin folder (or build with --no-typecheck).',
  );
}

/**
 * Compiler options: the plugin's tsconfig.json when it has one, else strict defaults; never
 * emitting, and without ambient Node types (`types: []`, whatever the tsconfig says for its
 * tests): the bundle runs in an isolate, where `process`, `Buffer` and `require` do not exist.
 */
function compilerOptions(ts: TypeScript, dir: string): TS.CompilerOptions {
  const file = join(dir, 'tsconfig.json');
  const defaults: TS.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    types: [],
  };
  if (!existsSync(file)) return { ...defaults, noEmit: true };
  let problem: TS.Diagnostic | undefined;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    file,
    { noEmit: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        problem = d;
      },
    },
  );
  const first = problem ?? parsed?.errors.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (!parsed || first) {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `${file}: ${ts.flattenDiagnosticMessageText(first?.messageText ?? 'cannot be read', ' ')}`,
      { file },
    );
  }
  return { ...parsed.options, noEmit: true, types: [] };
}

/**
 * Type-checks the plugin in `dir` (src/index.ts and everything it imports) with TypeScript's API
 * — the plugin's own TypeScript when installed, else the sdk's — under the plugin's tsconfig.json
 * (minus ambient Node types: see compilerOptions).
 * Throws OMEGA_ERR_VALIDATION naming the first error as `file:line:col - error TSnnnn: message`,
 * with every error in `errors`; so a wrong argument to `ctx` fails the build.
 */
export async function typeCheckPlugin(dir: string): Promise<void> {
  const ts = await loadTypeScript(dir);
  const options = compilerOptions(ts, dir);
  const program = ts.createProgram({ rootNames: [join(dir, PLUGIN_ENTRY)], options });
  const errors: PluginTypeError[] = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      let field = '(options)';
      if (d.file) {
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
        field = `${relative(dir, d.file.fileName)}:${line + 1}:${character + 1}`;
      }
      return { field, message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}` };
    });
  const first = errors[0];
  if (!first) return;
  const more =
    errors.length > 1 ? ` (and ${errors.length - 1} more type error${errors.length > 2 ? 's' : ''})` : '';
  throw omegaError('OMEGA_ERR_VALIDATION', `${first.field} - error ${first.message}${more}`, { errors });
}
