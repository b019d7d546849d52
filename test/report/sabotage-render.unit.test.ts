import { describe, expect, it } from 'vitest';
import type { ReportAssets } from '../../src/report/html/assets.js';
import { renderComparison } from '../../src/report/html/render.js';
import { invalidRun, validRun } from '../fixtures/report-models.js';
import { matrixResult } from '../fixtures/sabotage-matrix.js';

const assets: ReportAssets = { chartJs: 'window.uPlot = function () {};', chartCss: '.uplot { display: block; }' };

function section(page: string, id: string): string {
  const start = page.indexOf(`<section id="${id}"`);
  if (start < 0) throw new Error(`no section ${id}`);
  return page.slice(start, page.indexOf('</section>', start));
}

describe('the sabotage matrix in the comparison report', () => {
  const page = renderComparison([validRun, invalidRun], assets, { sabotage: matrixResult.matrix });
  const matrix = section(page, 'sabotage');

  it('heads the comparison, linked from the navigation, with the outcome in one line', () => {
    expect(page.indexOf('id="sabotage"')).toBeLessThan(page.indexOf('id="runs"'));
    expect(page).toContain('<a href="#sabotage">sabotage matrix</a>');
    expect(matrix).toContain('Caught 1 of 2 sabotages; 1 of 2 clean controls valid.');
  });

  it('has numbered columns named in a legend, and a row per sabotage (its bug on hover) with a cell per check marked by finding, and the result', () => {
    expect(matrix).toMatch(/<th>sabotage<\/th><th class="check" title="no-double-booking">1<\/th>[\s\S]*<th class="check" title="crash.detection.max&lt;4000">T1<\/th>/);
    expect(matrix).toContain('<b>2</b> first-come-first-served');
    const rows = matrix.match(/<tr><th scope="row"[\s\S]*?<\/tr>/g)!;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('title="a queue worker deletes each message as it receives it, before handling it"><code>ack-before-work</code>');
    expect(rows[0]!.match(/class="finding-caught"/g)).toHaveLength(1);
    expect(rows[0]).toContain('class="finding-also"');
    expect(rows[0]).toContain('✓ caught');
    expect(rows[1]).toContain('class="finding-missed"');
    expect(rows[1]).toContain('✗ not caught');
  });

  it('says for each sabotage where it sits, the safeguard it switches off and why it is caught, with the first counterexample of each catch, escaped; then the controls with their verdicts', () => {
    const explained = matrix.slice(matrix.indexOf('<table class="sabotages">'));
    expect(explained).toContain('<td><code>ack-before-work</code><br><span class="muted">queue workers</span></td><td>a queue worker deletes each message as it receives it, before handling it<br><span class="muted">instead of: delete only after the work is done');
    expect(explained).toContain('a worker killed while it holds messages takes their bookings with it');
    expect(explained).toContain('<li><b>nothing-lost</b>: booking B1 was acknowledged but is still PENDING &lt;after&gt; the settle</li>');
    expect(matrix).toContain('heartbeat-crash on fifo-fanout');
    expect(matrix).toContain('no-limbo invalid');
  });

  it('is absent from a plain comparison', () => {
    expect(renderComparison([validRun, invalidRun], assets)).not.toContain('id="sabotage"');
  });
});
