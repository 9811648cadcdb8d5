import { join } from 'node:path';
import { createTextReader } from './create-text-reader.js';

/** Reads a text file (injectable so tests can count or redirect reads). */
export type ReadText = (path: string) => Promise<string>;

/** Where a reader looks: a root (default `/`) under which proc/ and sys/ are found. */
export interface RootOptions {
  /** Root of the tree to read (default `/`): a recorded capture can stand in for the live host. */
  root?: string;
  /** procfs root (default `<root>/proc`). */
  procRoot?: string;
  /** sysfs root (default `<root>/sys`). */
  sysRoot?: string;
  /** How files are read (default {@link createTextReader} for the two roots). */
  readText?: ReadText;
}

/** The resolved roots and reader of a {@link RootOptions}. */
export interface HostRoots {
  root: string;
  proc: string;
  sys: string;
  readText: ReadText;
}

/** Resolves {@link RootOptions} to absolute roots and a reader. */
export function hostRoots(o: RootOptions = {}): HostRoots {
  const root = o.root ?? '/';
  const proc = o.procRoot ?? join(root, 'proc');
  const sys = o.sysRoot ?? join(root, 'sys');
  return { root, proc, sys, readText: o.readText ?? createTextReader(proc, sys) };
}

/** `readText(path)` trimmed, or undefined when the file is missing, unreadable or empty. */
export async function readOptional(readText: ReadText, path: string): Promise<string | undefined> {
  try {
    return (await readText(path)).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A file holding one integer (sysfs style), or undefined when missing, unreadable or not a number. */
export async function readNumber(readText: ReadText, path: string): Promise<number | undefined> {
  const text = await readOptional(readText, path);
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
