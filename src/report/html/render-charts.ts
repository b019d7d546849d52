import type { ChartOverlay, ChartSpec } from './charts-data.js';
import { html, type Html } from './render-html.js';

/**
 * Where a chart goes: a caption and a plot area that the page's script fills from the
 * chart data. Without JavaScript the area keeps a note, and the tables carry the numbers.
 * `missing` is said instead when the run has no data for the chart.
 */
export function chartFigure(chart: ChartSpec | undefined, missing: string, legend?: Html): Html {
  if (chart === undefined) return html`<p class="muted chart-missing">${missing}</p>`;
  return html`<figure class="chart">
<figcaption>${chart.title}</figcaption>
<div class="chart-plot" id="${chart.id}" data-chart><p class="chart-note">This chart is drawn by JavaScript; the tables on this page have its numbers.</p></div>
${legend ?? ''}
</figure>`;
}

/** A small square in a fault's colour: shaded for a period, an edge line for single injections. */
export function faultSwatch(colour: string, kind: 'period' | 'marker'): Html {
  return kind === 'period' ? html`<span class="swatch period" style="background:${colour}33;border-color:${colour}"></span>` : html`<span class="swatch marker" style="border-color:${colour}"></span>`;
}

/** The key to what time charts draw over their lines: a colour per fault (shaded periods, injection lines) and the phase lines. */
export function overlayLegend(overlay: ChartOverlay): Html {
  const periods = new Set(overlay.periods.map((period) => period.fault));
  const markers = new Set(overlay.markers.map((marker) => marker.fault));
  const faults = Object.entries(overlay.colours).filter(([fault]) => periods.has(fault) || markers.has(fault));
  return html`<ul class="overlay-legend">
${faults.map(
  ([fault, colour]) => html`<li>${periods.has(fault) && faultSwatch(colour, 'period')}${markers.has(fault) && faultSwatch(colour, 'marker')}${fault}</li>\n`,
)}${overlay.phases.map((phase) => html`<li><span class="swatch phase"></span>${phase.label}</li>\n`)}</ul>`;
}
