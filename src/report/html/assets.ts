import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What a report page inlines besides its own code: the chart library, so that the page needs no network. */
export interface ReportAssets {
  /** uPlot's browser build (it defines the global `uPlot`). */
  chartJs: string;
  chartCss: string;
}

/** Reads uPlot's minified browser build and stylesheet from the installed `uplot` package. */
export async function loadReportAssets(): Promise<ReportAssets> {
  const dist = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  const [chartJs, chartCss] = await Promise.all([readFile(join(dist, 'uPlot.iife.min.js'), 'utf8'), readFile(join(dist, 'uPlot.min.css'), 'utf8')]);
  return { chartJs, chartCss };
}
