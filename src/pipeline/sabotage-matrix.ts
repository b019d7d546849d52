import type { Clock } from '../clock.js';
import type { StackOptions } from '../deploy/stack.js';
import type { StormPlan } from '../model/plan.js';
import { sabotageCatalog, sabotageNames, type Sabotage } from '../model/sabotage.js';
import type { ControlRow, SabotageMatrix, SabotageMatrixResult, SabotageRow } from '../model/sabotage-matrix.js';
import { writeComparisonReport } from '../report/html/write-report.js';
import type { ExposureGroup } from '../sabotage/exposures.js';
import { controlFindings, matrixChecks, matrixRun, sabotageCells } from '../sabotage/findings.js';
import { chooseEndpoint, runPipeline, type PipelineHooks, type PipelineOptions, type PipelineResult } from './run-pipeline.js';

/** An exposure to run, with its storm built (src/cli/sabotage-plans.ts): the same plan for the control and each sabotage, but the sabotage. */
export interface PlannedExposure extends ExposureGroup {
  storm: StormPlan;
}

export interface SabotageMatrixOptions {
  endpointFlags: PipelineOptions['endpointFlags'];
  embedded: PipelineOptions['embedded'];
  /** The stack options but topology and sabotage: each run deploys `<stack>-<sabotage>` or `<stack>-control-<n>` on its exposure's topology. */
  deploy: Omit<StackOptions, 'topology' | 'sabotage'>;
  exposures: PlannedExposure[];
  /** The seed every storm runs with. */
  seed: number;
  /** Where the comparison report with the matrix goes. */
  out: string;
  clock: Clock;
  env?: NodeJS.ProcessEnv;
}

/** The stack a sabotage's run is deployed into: `<stack>-<sabotage>`; a control's: `<stack>-control-<n>`. */
export const sabotageStack = (stack: string, sabotage: Sabotage): string => `${stack}-${sabotage}`;
export const controlStack = (stack: string, n: number): string => `${stack}-control-${n}`;

/**
 * Runs each exposure clean (its control), then once per sabotage it exposes, with that
 * one safeguard switched off (deployed into the saga's definition for the sabotages that
 * live there) — deploy, storm, verify, report, all on one endpoint — and judges every run
 * against the catalog: each sabotage must be flagged by the checks that should catch it,
 * each control must stay valid. Writes one comparison report of all the runs with the
 * matrix on top.
 */
export async function runSabotageMatrix(options: SabotageMatrixOptions, hooks: PipelineHooks = {}): Promise<SabotageMatrixResult> {
  const step = (line: string) => hooks.onStep?.(line);
  const { endpoint, embedded } = await chooseEndpoint(options.endpointFlags, options.embedded, options.env ?? process.env, step);
  const run = (stack: string, exposure: PlannedExposure, sabotage: Sabotage | undefined): Promise<PipelineResult> => {
    const deployed = sabotage !== undefined && sabotageCatalog[sabotage].deployed ? [sabotage] : [];
    return runPipeline(
      {
        endpointFlags: options.endpointFlags,
        embedded: options.embedded,
        endpoint,
        deploy: { ...options.deploy, stack, topology: exposure.exposure.topology, sabotage: deployed },
        storm: { ...exposure.storm, chaos: { ...exposure.storm.chaos, sabotage: sabotage === undefined ? [] : [sabotage] } },
        thresholds: exposure.exposure.thresholds,
        clock: options.clock,
      },
      hooks,
    );
  };
  try {
    const sabotages = options.exposures.flatMap((exposure) => exposure.sabotages);
    const checks = matrixChecks(sabotages.map((sabotage) => sabotageCatalog[sabotage]));
    const controls: ControlRow[] = [];
    const rows: SabotageRow[] = [];
    for (const [i, exposure] of options.exposures.entries()) {
      step(`control ${i + 1} of ${options.exposures.length}, no sabotage: ${exposure.label}`);
      const clean = await run(controlStack(options.deploy.stack, i + 1), exposure, undefined);
      const control: ControlRow = { label: exposure.label, sabotages: exposure.sabotages, run: matrixRun(clean.verify), ...controlFindings(clean.verify) };
      step(control.valid ? '→ control valid' : `→ control flagged: ${control.flagged.join(', ')}`);
      controls.push(control);
      for (const sabotage of exposure.sabotages) {
        step(`sabotage ${sabotage} (${rows.length + 1} of ${sabotages.length}): ${exposure.label}`);
        const sabotaged = await run(sabotageStack(options.deploy.stack, sabotage), exposure, sabotage);
        const row: SabotageRow = { sabotage, control: i, run: matrixRun(sabotaged.verify), ...sabotageCells(sabotageCatalog[sabotage], checks, sabotaged.verify) };
        const found = row.cells.filter((cell) => cell.finding === 'caught' || cell.finding === 'also').map((cell) => cell.check);
        step(row.caught ? `→ caught by ${found.join(', ')}` : `→ not caught (found: ${found.join(', ') || 'nothing'})`);
        rows.push(row);
      }
    }
    rows.sort((a, b) => sabotageNames.indexOf(a.sabotage) - sabotageNames.indexOf(b.sabotage));
    const matrix: SabotageMatrix = { checks, rows, controls, passed: rows.every((row) => row.caught) && controls.every((control) => control.valid) };
    const runDirs = [...controls.map((control) => control.run.runDir), ...rows.map((row) => row.run.runDir)];
    const report = await writeComparisonReport(runDirs, options.out, { sabotage: matrix });
    return { endpoint: endpoint.display, seed: options.seed, matrix, report };
  } finally {
    await embedded?.close();
  }
}
