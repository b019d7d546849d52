import type { MatrixCell, MatrixFinding, SabotageMatrix } from '../../model/sabotage-matrix.js';
import { sabotageCatalog } from '../../model/sabotage.js';
import { html, type Html } from './render-html.js';
import { verdictBadge } from './render-verdict.js';

/** How each finding shows in a cell, and its class (coloured by the page's CSS). */
const findingLook: Record<MatrixFinding, { mark: string; className: string; title: string }> = {
  caught: { mark: '● caught', className: 'finding-caught', title: 'expected to catch the sabotage, and did' },
  missed: { mark: '✗ missed', className: 'finding-missed', title: 'expected to catch the sabotage, and did not' },
  also: { mark: '+ also', className: 'finding-also', title: 'flagged the run without being expected to' },
  held: { mark: '·', className: 'finding-held', title: 'held' },
  unknown: { mark: '? unknown', className: 'finding-unknown', title: 'could not decide' },
};

function cell(found: MatrixCell): Html {
  const look = findingLook[found.finding];
  return html`<td class="${look.className}" title="${found.evidence ?? look.title}">${look.mark}</td>`;
}

/**
 * The sabotage matrix (pure): a row per sabotage, a column per check (the invariants by
 * number, then thresholds), each cell saying whether the check caught the sabotage it
 * should have, missed it, or flagged the run besides; the bug each sabotage stands for;
 * the first counterexample of each catch; then the clean controls and their verdicts.
 */
export function sabotageMatrixSection(matrix: SabotageMatrix): Html {
  const heading = matrix.checks.map((check) => html`<th class="check" title="${check.key}">${check.id === undefined ? check.key : html`${check.id}<br><span class="muted">${check.key}</span>`}</th>`);
  const rows = matrix.rows.map(
    (row) => html`<tr><th scope="row"><code>${row.sabotage}</code><br><span class="muted">${sabotageCatalog[row.sabotage].bug}</span></th>
${row.cells.map(cell)}<td class="${row.caught ? 'good' : 'bad'}">${row.caught ? '✓ caught' : '✗ not caught'}</td><td><code>${row.run.runId}</code></td></tr>\n`,
  );
  const evidence = matrix.rows.flatMap((row) =>
    row.cells.filter((found) => found.finding === 'caught' && found.evidence !== undefined).map((found) => html`<li><code>${row.sabotage}</code> → ${found.check}: ${found.evidence}</li>\n`),
  );
  const controls = matrix.controls.map(
    (control) => html`<tr><td>${control.label}</td><td>${control.sabotages.map((name) => html`<code>${name}</code> `)}</td><td>${verdictBadge(control.run.verdict)}</td>
<td>${control.flagged.join(', ') || '–'}</td><td><code>${control.run.runId}</code></td></tr>\n`,
  );
  const caught = matrix.rows.filter((row) => row.caught).length;
  const valid = matrix.controls.filter((control) => control.valid).length;
  return html`<p class="${matrix.passed ? 'good' : 'bad'}">Caught ${caught} of ${matrix.rows.length} sabotages; ${valid} of ${matrix.controls.length} clean controls valid.</p>
<table class="sabotage-matrix">
<thead><tr><th>sabotage</th>${heading}<th>result</th><th>run</th></tr></thead>
<tbody>
${rows}</tbody>
</table>
<h3>First counterexample of each catch</h3>
<ul class="catches">
${evidence}</ul>
<h3>Clean controls</h3>
<p class="muted">The same storm as each sabotage's, with every safeguard on: it must stay valid, or the catch proves nothing.</p>
<table class="controls">
<thead><tr><th>exposure</th><th>exposes</th><th>verdict</th><th>flagged</th><th>run</th></tr></thead>
<tbody>
${controls}</tbody>
</table>`;
}
