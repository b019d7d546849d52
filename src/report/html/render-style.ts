/**
 * The page's own CSS: light, system fonts, numbers right-aligned in tabular figures, and
 * the verdict colours (green valid/passed, red invalid/breached, amber unknown, grey not
 * verified). No framework and no web font: the page must open offline.
 */
export const reportCss = `
:root {
  --text: #1f2937; --muted: #6b7280; --line: #e5e7eb; --panel: #f9fafb;
  --good: #15803d; --good-bg: #dcfce7; --bad: #b91c1c; --bad-bg: #fee2e2;
  --warn: #b45309; --warn-bg: #fef3c7; --none: #4b5563; --none-bg: #e5e7eb;
}
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 1200px; padding: 24px 32px 64px; color: var(--text); background: #fff;
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 24px 0 8px; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
nav { margin: 8px 0 16px; color: var(--muted); }
nav a { color: inherit; margin-right: 14px; }
.muted { color: var(--muted); }
.good { color: var(--good); }
.bad { color: var(--bad); font-weight: 600; }
.banner { border-radius: 8px; padding: 16px 24px; margin: 16px 0; border: 2px solid; }
.verdict-word { font-size: 40px; font-weight: 800; letter-spacing: 0.04em; text-transform: uppercase; margin: 0; line-height: 1.1; }
.verdict-reason { font-size: 16px; margin: 6px 0 0; }
.verdict-valid, .verdict-passed { color: var(--good); background: var(--good-bg); border-color: var(--good); }
.verdict-invalid, .verdict-breached { color: var(--bad); background: var(--bad-bg); border-color: var(--bad); }
.verdict-unknown { color: var(--warn); background: var(--warn-bg); border-color: var(--warn); }
.verdict-unverified { color: var(--none); background: var(--none-bg); border-color: var(--none); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; border: 1px solid; font-size: 12px; font-weight: 700; text-transform: uppercase; white-space: nowrap; }
table { border-collapse: collapse; margin: 8px 0 16px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--panel); font-weight: 600; white-space: nowrap; }
tbody th { font-weight: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.metric th { font-weight: 600; }
tr.tier th { padding-left: 26px; }
table.parameters th { color: var(--muted); width: 120px; }
.version { margin-right: 10px; white-space: nowrap; }
.specs code { white-space: nowrap; margin-right: 6px; }
/* Several runs side by side: a spec a line, broken only if it must, rather than widen the page. */
table.runs .specs code { display: block; white-space: normal; }
table.runs td:first-child { white-space: nowrap; }
table.answer td:first-child, table.answer td:nth-child(4) { white-space: nowrap; }
tr.group th { font-weight: 600; background: var(--panel); }
table.sabotage-matrix th.check { text-align: center; min-width: 64px; }
table.sabotage-matrix td { white-space: nowrap; text-align: center; }
table.sabotage-matrix tbody th { white-space: nowrap; }
p.legend { font-size: 12px; color: var(--muted); }
p.legend .check-name { margin-right: 12px; white-space: nowrap; }
table.sabotages ul.catches { margin: 0; padding-left: 16px; }
.finding-caught { color: var(--good); background: var(--good-bg); font-weight: 600; }
.finding-missed { color: var(--bad); background: var(--bad-bg); font-weight: 600; }
.finding-also { color: var(--warn); }
.finding-unknown { color: var(--warn); background: var(--warn-bg); }
.finding-held { color: var(--muted); }
table.invariants { width: 100%; }
tr.verdict-row-invalid > td { background: #fef2f2; }
tr.counterexamples > td { background: #fffafa; border-bottom: 2px solid var(--line); }
details.counterexample { margin: 4px 0; }
details.counterexample summary { cursor: pointer; padding: 2px 0; }
details.counterexample[open] summary { font-weight: 600; }
table.timeline { margin: 6px 0 12px 20px; font-size: 13px; }
table.timeline td, table.timeline th { padding: 2px 8px; }
.cards { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 16px 24px; }
figure.chart { margin: 0; min-width: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.chart-plot { min-height: 120px; }
.chart-note { color: var(--muted); font-style: italic; border: 1px dashed var(--line); padding: 40px 16px; text-align: center; margin: 0; }
.overlay-legend { list-style: none; padding: 0; margin: 4px 0 0; font-size: 12px; color: var(--muted); }
.overlay-legend li { display: inline-block; margin-right: 14px; }
.swatch { display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: middle; }
.swatch.period { border: 1px solid; }
.swatch.marker { width: 2px; height: 12px; border-left: 2px solid; margin-left: 4px; margin-right: 6px; }
.swatch.phase { width: 2px; height: 12px; border-left: 2px dashed #374151; margin-left: 4px; margin-right: 6px; }
.uplot { width: 100%; }
/* uPlot's legend is a table too: keep the page's table look off it. */
.u-legend { font-size: 12px; margin: 4px 0 0; }
.u-legend th, .u-legend td { border: 0; background: none; padding: 0 4px; }
`;
