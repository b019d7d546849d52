import type { MatrixCell, MatrixFinding, SabotageMatrix } from '../../model/sabotage-matrix.js';
import { sabotageCatalog } from '../../model/sabotage.js';
import { html, type Html } from './render-html.js';
import { verdictBadge } from './render-verdict.js';
import { checkHeadings } from '../sabotage-text.js';

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
 * number, then thresholds, named in a legend), each cell saying whether the check caught the sabotage it
 * should have, missed it, or flagged the run besides; then for each sabotage where its
 * switch sits, the bug and the safeguard it switches off, why the checks catch it and the
 * first counterexample of each catch; then the clean controls and their verdicts.
 */
export function sabotageMatrixSection(matrix: SabotageMatrix): Html {
  // Numbered columns, named in a legend under the table, so that ten checks fit the page.
  const titles = checkHeadings(matrix.checks);
  const heading = matrix.checks.map((check, i) => html`<th class="check" title="${check.key}">${titles[i]}</th>`);
  const legend = matrix.checks.map((check, i) => html`<span class="check-name"><b>${titles[i]}</b> ${check.key}</span> `);
  const rows = matrix.rows.map(
    (row) => html`<tr><th scope="row" title="${sabotageCatalog[row.sabotage].bug}"><code>${row.sabotage}</code></th>
${row.cells.map(cell)}<td class="${row.caught ? 'good' : 'bad'}">${row.caught ? '✓ caught' : '✗ not caught'}</td><td><code>${row.run.runId}</code></td></tr>\n`,
  );
  const explained = matrix.rows.map((row) => {
    const { bug, site, safeguard, why } = sabotageCatalog[row.sabotage];
    const catches = row.cells.filter((found) => found.finding === 'caught' && found.evidence !== undefined).map((found) => html`<li><b>${found.check}</b>: ${found.evidence}</li>`);
    return html`<tr><td><code>${row.sabotage}</code><br><span class="muted">${site}</span></td><td>${bug}<br><span class="muted">instead of: ${safeguard}</span></td><td>${why}</td><td><ul class="catches">${catches}</ul></td></tr>\n`;
  });
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
<p class="legend">${legend}</p>
<h3>What each switches off, and why it is caught</h3>
<table class="sabotages">
<thead><tr><th>sabotage, where</th><th>the bug</th><th>why the checks catch it</th><th>first counterexample of each catch</th></tr></thead>
<tbody>
${explained}</tbody>
</table>
<h3>Clean controls</h3>
<p class="muted">The same storm as each sabotage's, with every safeguard on: it must stay valid, or the catch proves nothing.</p>
<table class="controls">
<thead><tr><th>exposure</th><th>exposes</th><th>verdict</th><th>flagged</th><th>run</th></tr></thead>
<tbody>
${controls}</tbody>
</table>`;
}
