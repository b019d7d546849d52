import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { BooksimError, ExitCode } from '../errors.js';
import type { RunFileContents } from './schema.js';

/**
 * Where a run keeps its artifacts (docs/design.md, Run artefacts): `<root>/<runId>/`, and `<root>/latest`
 * pointing at the newest run.
 */

/** The link (or, where symlinks are not allowed, the text file) naming the newest run. */
const latestName = 'latest';

/** A run's directory, created. */
export interface RunDir {
  /** The run id: the directory's name. */
  id: string;
  /** Absolute path of the directory. */
  dir: string;
  /** Absolute path of a file in the directory. */
  path(name: string): string;
  /** Writes one of the run's files ({@link writeRunFile}). */
  write<N extends keyof RunFileContents>(name: N, data: RunFileContents[N]): Promise<void>;
  /** Points `<root>/latest` at this run, replacing what it pointed at. */
  markLatest(): Promise<void>;
}

/**
 * A run id: the UTC time to the second with `-` for `:` (valid in file names everywhere),
 * then 4 random hex digits, e.g. `2026-11-23T07-40-12Z-1f3a`. Ids sort by start time.
 */
export function newRunId(now: number): string {
  const time = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
  return `${time}-${randomBytes(2).toString('hex')}`;
}

/** A temporary name next to `target`, for a write then rename (which replaces atomically). */
const temporary = (target: string) => `${target}.tmp-${randomBytes(4).toString('hex')}`;

/**
 * Creates `<root>/<runId>/` (and root if needed). Without `runId` a new one is made from
 * the clock; a run id that already has a directory is refused (BooksimError), so a run
 * never writes into another's.
 */
export async function createRunDir(root: string, runId?: string, clock: Pick<Clock, 'now'> = systemClock): Promise<RunDir> {
  const id = runId ?? newRunId(clock.now());
  const base = resolve(root);
  const dir = join(base, id);
  await mkdir(base, { recursive: true });
  try {
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BooksimError(`run directory ${dir} exists already`, ExitCode.usage, ['Choose another run id.']);
    throw error;
  }
  const path = (name: string) => join(dir, name);
  return {
    id,
    dir,
    path,
    write: (name, data) => writeRunFile(dir, name, data),
    markLatest: () => markLatest(base, id),
  };
}

/**
 * Writes one file of a run directory as pretty JSON, as the schema (src/run-dir/schema.ts)
 * says it holds, replacing it whole: written to a temporary name, then renamed over it,
 * so that a reader never sees it half-written.
 */
export async function writeRunFile<N extends keyof RunFileContents>(dir: string, name: N, data: RunFileContents[N]): Promise<void> {
  const target = join(dir, name);
  const temp = temporary(target);
  await writeFile(temp, `${JSON.stringify(data, null, 2)}\n`);
  await rename(temp, target);
}

async function markLatest(root: string, id: string): Promise<void> {
  const latest = join(root, latestName);
  const temp = temporary(latest);
  try {
    // Relative, so the reports directory can be moved or archived whole.
    await symlink(id, temp, 'dir');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Windows without the privilege, or a file system without links: say it in a file instead.
    if (code !== 'EPERM' && code !== 'EACCES' && code !== 'ENOTSUP' && code !== 'EINVAL') throw error;
    await writeFile(temp, `${id}\n`);
  }
  await rename(temp, latest);
}

/** The run `<root>/latest` names, or undefined if there is none. */
async function latestRun(root: string): Promise<string | undefined> {
  const latest = join(root, latestName);
  try {
    const info = await lstat(latest);
    return info.isSymbolicLink() ? await readlink(latest) : (await readFile(latest, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** What every requestId of a run begins with: how the run's bookings are told from other runs' on the same stack. */
export const requestIdPrefix = (runId: string): string => `${runId}-`;

/** The run directories under root, oldest first (ids sort by time). */
export async function listRuns(root: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** How many run ids an error message lists at most (the newest). */
const listedRuns = 10;

/**
 * The absolute path of a run's directory under root: `latest` for the newest marked run,
 * or a run id. Throws a BooksimError (exit 2) that lists the runs there are when there
 * is no such run.
 */
export async function resolveRun(root: string, idOrLatest: string): Promise<string> {
  const base = resolve(root);
  const id = idOrLatest === latestName ? await latestRun(base) : idOrLatest;
  // An id is a directory name: a path (`../x`) is no run of this root.
  if (id !== undefined && id !== '' && !/[/\\]/.test(id) && id !== '.' && id !== '..' && (await isDirectory(join(base, id)))) return join(base, id);

  const runs = (await listRuns(base)).reverse();
  const what = idOrLatest === latestName ? (id === undefined ? `no latest run in ${base}` : `the latest run ${id} is gone from ${base}`) : `no run ${idOrLatest} in ${base}`;
  if (runs.length === 0) throw new BooksimError(`${what}: there are no runs`, ExitCode.usage, ['Record one with `booksim storm`.']);
  const more = runs.length > listedRuns ? ` and ${runs.length - listedRuns} older` : '';
  throw new BooksimError(what, ExitCode.usage, [`Available runs (newest first): ${runs.slice(0, listedRuns).join(', ')}${more}.`]);
}

/** A path (it has a separator) is the run directory itself (readers refuse one that is not there); anything else is a run id or `latest` under reportsDir. */
export function findRunDir(reportsDir: string, run: string): Promise<string> {
  return /[/\\]/.test(run) ? Promise.resolve(resolve(run)) : resolveRun(reportsDir, run);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw error;
  }
}
