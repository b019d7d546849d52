import { rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadReportAssets } from './assets.js';
import { buildReportModel } from './build-model.js';
import type { WrittenReport } from '../../model/run.js';
import { renderComparison, renderReport, type ComparisonHeading } from './render.js';
import { readRunData } from '../../run-dir/run-data.js';

/** Where a comparison of runs goes unless told: compare.html beside the run directories. */
export const defaultComparisonFile = (reportsDir: string): string => join(reportsDir, 'compare.html');

/** Writes one run's report.html: into its run directory unless `out` says where. */
export async function writeRunReport(runDir: string, out?: string): Promise<WrittenReport> {
  const model = buildReportModel(await readRunData(runDir));
  const html = renderReport(model, await loadReportAssets());
  const file = resolve(out ?? join(runDir, 'report.html'));
  await writeWhole(file, html);
  return { file, runIds: [model.run.runId], verdicts: [model.verdict], bytes: Buffer.byteLength(html) };
}

/** Writes the comparison of several runs to `out`; with a heading, headed by the design question's answer or the sabotage matrix. */
export async function writeComparisonReport(runDirs: string[], out: string, heading?: ComparisonHeading): Promise<WrittenReport> {
  const models = await Promise.all(runDirs.map(async (dir) => buildReportModel(await readRunData(dir))));
  const html = renderComparison(models, await loadReportAssets(), heading);
  const file = resolve(out);
  await writeWhole(file, html);
  return { file, runIds: models.map((m) => m.run.runId), verdicts: models.map((m) => m.verdict), bytes: Buffer.byteLength(html) };
}

/** Through a temporary file, so a reader (a browser reloading, a CI upload) never sees half a page. */
async function writeWhole(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${process.pid}.report.tmp`);
  await writeFile(temp, text);
  await rename(temp, file);
}
