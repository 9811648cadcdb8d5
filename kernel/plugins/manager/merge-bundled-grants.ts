import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { writeFileDurable } from '../../storage/index.js';
import { type Grants, parseGrants } from '../grants-schema.js';
import { loadGrants } from '../load-grants.js';
import { saveGrants } from '../save-grants.js';

/** What {@link mergeBundledGrants} did. */
export interface BundledGrantsMerge {
  /** Plugins whose default grants were added to the operator's file now. */
  added: string[];
  /** Plugins new to the record that the operator had already decided about (left as they are). */
  kept: string[];
}

/**
 * The record of which bundled plugins' defaults were offered, beside the grants file
 * (`grants.json` → `grants.bundled.json`), so a plugin the operator removed from the grants
 * file is not granted again on the next start.
 */
export function bundledRecordFile(grantsFile: string): string {
  return grantsFile.endsWith('.json') ? `${grantsFile.slice(0, -5)}.bundled.json` : `${grantsFile}.bundled`;
}

async function readRecord(file: string): Promise<Set<string> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const doc = JSON.parse(text) as { offered?: unknown };
    if (Array.isArray(doc.offered) && doc.offered.every((n) => typeof n === 'string'))
      return new Set(doc.offered as string[]);
  } catch {}
  throw omegaError(
    'OMEGA_ERR_CONFIG_INVALID',
    `${file} is not a record of offered grants ({"offered": ["<plugin>", …]}); delete it to rebuild it from the grants file.`,
    { file },
  );
}

/**
 * Gives newly bundled plugins their default grants (the first `grants.json` found in the
 * bundled plugin folders) on every start, not only the first: a release that adds a core
 * plugin works on an existing install. The operator's decisions win: a plugin already in the
 * grants file is left as it is, and a plugin once offered (recorded in
 * {@link bundledRecordFile}) is never added again, even after the operator removed it. On the
 * first start the whole default file is written. Changed defaults of a plugin already offered
 * are not merged (that is an escalation the operator approves; the kernel names what is missing).
 */
export async function mergeBundledGrants(
  grantsFile: string,
  bundledDirs: readonly string[],
  logger?: Logger,
): Promise<BundledGrantsMerge> {
  const defaultsFile = bundledDirs.map((d) => join(d, 'grants.json')).find((f) => existsSync(f));
  if (defaultsFile === undefined) return { added: [], kept: [] };
  const defaults: Grants = parseGrants(JSON.parse(await readFile(defaultsFile, 'utf8')), defaultsFile);
  const recordFile = bundledRecordFile(grantsFile);
  const fresh = !existsSync(grantsFile);
  const current = fresh ? {} : await loadGrants(grantsFile);
  // An install from before the record existed: what its grants file names counts as offered.
  const offered = (await readRecord(recordFile)) ?? new Set(Object.keys(current));
  const added: string[] = [];
  const kept: string[] = [];
  const next: Grants = { ...current };
  for (const [name, grants] of Object.entries(defaults)) {
    if (offered.has(name) && !fresh) continue;
    offered.add(name);
    if (Object.hasOwn(current, name)) kept.push(name);
    else {
      next[name] = grants;
      added.push(name);
    }
  }
  if (added.length > 0) await saveGrants(grantsFile, next);
  await writeFileDurable(recordFile, `${JSON.stringify({ offered: [...offered].sort() }, null, 2)}\n`);
  if (added.length > 0 && !fresh)
    logger?.info({ plugins: added, grantsFile }, 'granted the default permissions of newly bundled plugins');
  return { added, kept };
}
