import { lstat, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BooksimError, ExitCode } from '../../src/errors.js';
import { createRunDir, listRuns, newRunId, resolveRun } from '../../src/run-dir/location.js';

describe('run directories', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'booksim-runs-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const at = (iso: string) => ({ now: () => Date.parse(iso) });

  it('when ids are made at later times, they sort in time order and differ at the same second', () => {
    const times = ['2026-11-23T07:40:12.900Z', '2026-11-23T07:40:13.001Z', '2026-11-23T08:00:00Z', '2027-01-01T00:00:00Z'].map(Date.parse);
    const ids = times.map(newRunId);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^2026-11-23T07-40-12Z-[0-9a-f]{4}$/);
    const sameSecond = new Set(Array.from({ length: 20 }, () => newRunId(times[0]!)));
    expect(sameSecond.size).toBeGreaterThan(1);
  });

  it('when a run writes JSON, the file holds it pretty-printed in the run directory', async () => {
    const run = await createRunDir(root, undefined, at('2026-11-23T07:40:12Z'));
    expect(run.dir).toBe(join(root, run.id));
    const decisions = [{ bookingId: 'B1', tier: 'VIP' as const, status: 'CONFIRMED' as const, createdAt: 1, decidedAt: 2 }];
    await run.write('decisions.json', decisions);
    const text = await readFile(run.path('decisions.json'), 'utf8');
    expect(JSON.parse(text)).toEqual(decisions);
    expect(text).toContain('\n    "bookingId": "B1"');
    await run.write('decisions.json', []);
    expect(JSON.parse(await readFile(run.path('decisions.json'), 'utf8'))).toEqual([]);
    expect(await listRuns(root)).toEqual([run.id]);
  });

  it('when marked latest twice, latest points at the newest run, as a relative symlink', async () => {
    const first = await createRunDir(root, undefined, at('2026-11-23T07:40:12Z'));
    const second = await createRunDir(root, undefined, at('2026-11-23T07:41:00Z'));
    await first.markLatest();
    expect(await resolveRun(root, 'latest')).toBe(first.dir);
    await second.markLatest();
    expect((await lstat(join(root, 'latest'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(root, 'latest'))).toBe(second.id);
    expect(await resolveRun(root, 'latest')).toBe(second.dir);
    // No temporary link is left behind, and latest is not taken for a run.
    expect(await listRuns(root)).toEqual([first.id, second.id]);
  });

  it('when latest is a text file (no symlinks allowed), it is read as the run id', async () => {
    const run = await createRunDir(root, 'r1');
    await writeFile(join(root, 'latest'), 'r1\n');
    expect(await resolveRun(root, 'latest')).toBe(run.dir);
  });

  it('when a run is named by id, it resolves to its directory', async () => {
    const run = await createRunDir(root, 'my-run');
    expect(await resolveRun(root, 'my-run')).toBe(run.dir);
  });

  it('when an unknown id is asked for, it fails with exit 2 listing the runs, newest first', async () => {
    await createRunDir(root, '2026-11-23T07-40-12Z-aaaa');
    await createRunDir(root, '2026-11-23T07-41-00Z-bbbb');
    const error = await resolveRun(root, 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BooksimError);
    expect((error as BooksimError).exitCode).toBe(ExitCode.usage);
    expect((error as BooksimError).message).toContain('no run nope');
    expect((error as BooksimError).suggestions.join(' ')).toContain('2026-11-23T07-41-00Z-bbbb, 2026-11-23T07-40-12Z-aaaa');
    await expect(resolveRun(root, '..')).rejects.toThrow(BooksimError);
  });

  it('when there are no runs at all, latest fails saying so', async () => {
    await expect(resolveRun(join(root, 'missing'), 'latest')).rejects.toThrow(/no latest run.*there are no runs/);
  });

  it('when a run id is taken, creating it again is refused', async () => {
    await createRunDir(root, 'same');
    await expect(createRunDir(root, 'same')).rejects.toThrow(/exists already/);
  });
});
