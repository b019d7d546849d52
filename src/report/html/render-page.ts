import type { ReportAssets } from './assets.js';
import type { ChartData } from './charts-data.js';
import { chartDataId, chartsClient } from './charts-client.js';
import { html, inlineScript, jsonScript, raw, type Html } from './render-html.js';
import { reportCss } from './render-style.js';

/**
 * Nothing on the page may reach the network: scripts and styles are inline, the icon is
 * empty. The policy makes the browser refuse anything else, should data ever try.
 */
const contentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** A whole HTML document: the body as the server rendered it, then the chart data, uPlot and the chart code. */
export function page(title: string, body: Html, charts: ChartData, assets: ReportAssets): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${raw(assets.chartCss)}</style>
<style>${raw(reportCss)}</style>
</head>
<body>
${body}
${jsonScript(chartDataId, charts)}
${inlineScript(assets.chartJs)}
${inlineScript(chartsClient)}
</body>
</html>
`.text;
}
