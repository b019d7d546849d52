/** The id of the page's JSON block of chart data (ChartData, from charts-data.ts). */
export const chartDataId = 'booksim-chart-data';

/**
 * The page's chart code, run in the browser after uPlot: it reads the chart data block
 * and draws each chart into its plot area. Plain JavaScript in a string, because it is
 * inlined into the page as it is: nothing here is compiled. Charts are an enhancement:
 * every number is also in the page's tables.
 */
export const chartsClient = String.raw`
(() => {
  'use strict';
  const block = document.getElementById('${chartDataId}');
  if (block === null || typeof uPlot !== 'function') return;
  const { charts, overlay } = JSON.parse(block.textContent);
  const height = 280;
  const pixel = () => window.devicePixelRatio || 1;

  // Decades of 1/(1 - p), and the percentiles they stand for.
  const percentileTicks = new Map([[1, '0%'], [10, '90%'], [100, '99%'], [1e3, '99.9%'], [1e4, '99.99%'], [1e5, '99.999%'], [1e6, '99.9999%']]);
  const percentileOf = (x) => {
    const p = 100 * (1 - 1 / x);
    return (p >= 99 ? p.toFixed(3) : p.toFixed(1)) + '%';
  };
  const number = (v) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(1));
  const valueIn = (unit) => (u, v) => (v == null ? '–' : number(v) + unit);
  const upTo = (u, min, max) => [0, max > 0 ? max * 1.05 : 1];

  function lines(spec, unit) {
    return spec.series.map((s) => ({
      label: s.label,
      stroke: s.colour,
      width: 1.5,
      spanGaps: true,
      value: valueIn(unit),
      ...(s.dashed ? { dash: [6, 4] } : {}),
    }));
  }

  // Draws within the plotting area's width; down from the canvas's top when lanes is set, else inside the area only.
  // uPlot's bbox is in canvas pixels.
  function inPlot(u, draw, lanes = false) {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, lanes ? 0 : bbox.top, bbox.width, lanes ? bbox.top : bbox.height);
    ctx.clip();
    draw(ctx, bbox);
    ctx.restore();
  }

  function vertical(ctx, x, bbox, colour, dash) {
    ctx.strokeStyle = colour;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
  }

  // As Jepsen shows a nemesis's activity: each fault with periods has a lane of its own in
  // a strip above the plot, so that overlapping faults can be told apart, and its periods
  // shade the plot lightly. A period over the whole chart gets its lane only: shading
  // everything would say nothing and hide the other faults' periods.
  const laneHeight = 4;
  const lanes = Object.keys(overlay.colours).filter((fault) => overlay.periods.some((period) => period.fault === fault));
  function shadePeriods(u) {
    const span = (period) => {
      const from = u.valToPos(period.from, 'x', true);
      return [from, Math.max(u.valToPos(period.to, 'x', true) - from, pixel())];
    };
    inPlot(u, (ctx, bbox) => {
      for (const period of overlay.periods) {
        if (period.from <= u.scales.x.min && period.to >= u.scales.x.max) continue;
        const [from, width] = span(period);
        ctx.fillStyle = overlay.colours[period.fault] + '26';
        ctx.fillRect(from, bbox.top, width, bbox.height);
      }
    });
    inPlot(u, (ctx, bbox) => {
      const lane = laneHeight * pixel();
      for (const period of overlay.periods) {
        const [from, width] = span(period);
        ctx.fillStyle = overlay.colours[period.fault];
        ctx.fillRect(from, bbox.top - (lanes.length - lanes.indexOf(period.fault)) * lane, width, lane - pixel());
      }
    }, true);
  }

  // Over the lines: a line per injection in its fault's colour, and the phases dashed, labelled left of their line.
  function drawMarkers(u) {
    inPlot(u, (ctx, bbox) => {
      const px = pixel();
      ctx.lineWidth = px;
      for (const marker of overlay.markers) vertical(ctx, u.valToPos(marker.at, 'x', true), bbox, overlay.colours[marker.fault] + 'aa', []);
      ctx.font = 11 * px + 'px system-ui, sans-serif';
      ctx.textAlign = 'right';
      ctx.fillStyle = '#374151';
      for (const phase of overlay.phases) {
        const x = u.valToPos(phase.at, 'x', true);
        vertical(ctx, x, bbox, '#374151', [4 * px, 4 * px]);
        ctx.fillText(phase.label, x - 4 * px, bbox.top + 12 * px);
      }
    });
  }

  function percentileOptions(spec, width) {
    const xMax = spec.x[spec.x.length - 1];
    return {
      width,
      height,
      scales: { x: { time: false, distr: 3, log: 10, range: () => [1, xMax] }, y: { range: upTo } },
      axes: [
        {
          label: 'percentile',
          splits: (u, axis, min, max) => [...percentileTicks.keys()].filter((x) => x >= min && x <= max * 1.0001),
          values: (u, splits) => splits.map((x) => percentileTicks.get(x)),
        },
        { label: 'ms', size: 60 },
      ],
      series: [{ label: 'percentile', value: (u, x) => (x == null ? '–' : percentileOf(x)) }, ...lines(spec, ' ms')],
    };
  }

  function timeOptions(spec, width) {
    const unit = spec.yLabel === 'ms' ? ' ms' : '';
    return {
      width,
      height,
      scales: { x: { time: false, range: () => [0, spec.xMax] }, y: { range: upTo } },
      // Room above the plot for the fault lanes.
      padding: [lanes.length > 0 ? lanes.length * laneHeight + 8 : null, null, null, null],
      axes: [
        { label: 'seconds since the load started', values: (u, splits) => splits.map((s) => s + ' s') },
        { label: spec.yLabel, size: 60 },
      ],
      series: [{ label: 'time', value: (u, s) => (s == null ? '–' : s.toFixed(0) + ' s') }, ...lines(spec, unit)],
      hooks: { drawClear: [shadePeriods], draw: [drawMarkers] },
    };
  }

  const drawn = [];
  for (const spec of charts) {
    const area = document.getElementById(spec.id);
    if (area === null) continue;
    // One chart that fails must not take the others with it; its note stays in place.
    try {
      const options = spec.kind === 'percentile' ? percentileOptions(spec, area.clientWidth) : timeOptions(spec, area.clientWidth);
      const data = [spec.x, ...spec.series.map((s) => s.values)];
      const note = area.querySelector('.chart-note');
      drawn.push({ area, plot: new uPlot(options, data, area) });
      if (note !== null) note.remove();
    } catch (error) {
      console.error('booksim: could not draw ' + spec.id, error);
    }
  }
  window.addEventListener('resize', () => {
    for (const { area, plot } of drawn) plot.setSize({ width: area.clientWidth, height });
  });
})();
`;
