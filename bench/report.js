// Renders an endpoint benchmark result: a table for the terminal and a section for
// BENCHMARKS.md, both from the same rows. Pure functions, except appendSection.

import { existsSync, appendFileSync, writeFileSync } from 'node:fs';

const header = `# Benchmarks

Results of booksim's benchmarks on the machines they ran on, oldest first; each section is
appended by one run. \`npm run bench:endpoint\` measures how many SQS SendMessage →
ReceiveMessage → DeleteMessage round trips per second one AWS SDK client process reaches
with 16 concurrent loops, first against a trivial server that returns canned SQS responses —
the ceiling, set by the client's own CPU cost — then against \`booksim local\`, each server
in a process of its own on the same machine. The target is that booksim local reaches at
least 80% of the ceiling, i.e. that the endpoint is not the bottleneck. Figures depend on
the machine: compare runs made on the same one. CPU columns are percent of one core over
the counted window; "server µs/round trip" is the server's CPU time per round trip (three
requests), and "other CPU" the rest of the machine's busy time — the kernel's loopback
networking and any other process; a lot of it means the run was disturbed.
`;

const columns = ['target', 'round trips/s', 'p50 ms', 'p99 ms', 'errors', 'empty receives', 'server CPU', 'server µs/round trip', 'client CPU', 'other CPU'];

function percentOfCore(cpuMs, elapsedMs) {
  return cpuMs === undefined ? 'n/a' : `${Math.round((cpuMs * 100) / elapsedMs)}%`;
}

function rows(result) {
  return result.targets.map(({ label, measurement: m }) => [
    label,
    m.roundTripsPerSecond.toFixed(1),
    m.latencyMs.p50.toFixed(2),
    m.latencyMs.p99.toFixed(2),
    String(m.errors),
    String(m.emptyReceives),
    percentOfCore(m.cpuMs.server, m.elapsedMs),
    m.cpuMs.server === undefined ? 'n/a' : String(Math.round((m.cpuMs.server * 1000) / m.roundTrips)),
    percentOfCore(m.cpuMs.client, m.elapsedMs),
    percentOfCore(m.cpuMs.other, m.elapsedMs),
  ]);
}

function verdictLines(result) {
  const { ratio, target, pass, reasons, warnings } = result.verdict;
  return [
    `booksim local / ceiling: ${(ratio * 100).toFixed(1)}% — ${pass ? 'PASS' : 'FAIL'} (target ≥ ${target * 100}%)${reasons.length ? `: ${reasons.join('; ')}` : ''}`,
    ...warnings.map((warning) => `warning: ${warning}`),
  ];
}

function settingsLine(result) {
  const { loops, seconds, warmupSeconds, clientWarmupSeconds, receiveWaitSeconds } = result.settings;
  return `${loops} concurrent loops, ${seconds} s per target after a ${warmupSeconds} s warm-up (the first target after ${clientWarmupSeconds} s more, to warm up the client), ReceiveMessage WaitTimeSeconds ${receiveWaitSeconds}`;
}

/** The result as a plain-text table with the settings above it and the verdict below. */
export function formatTable(result) {
  const table = [columns, ...rows(result)];
  const widths = columns.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const samples = result.targets.flatMap(({ label, measurement }) => measurement.errorSamples.map((text) => `  ${label}: ${text}`));
  return [
    `SQS send → receive → delete round trips: ${settingsLine(result)}`,
    '',
    ...table.map(line),
    '',
    ...verdictLines(result),
    ...(samples.length ? ['errors seen:', ...samples] : []),
  ].join('\n');
}

/** The result as a BENCHMARKS.md section: date, machine, settings, table and verdict. */
export function formatSection(result) {
  const { machine } = result;
  const cells = (row) => `| ${row.join(' | ')} |`;
  return [
    `## Endpoint: SQS round trips, ${result.date}`,
    '',
    `- Node ${machine.node}; CPU ${machine.cpuModel}, ${machine.cores} cores`,
    `- ${settingsLine(result)}; one client process (AWS SDK v3), each server in its own process`,
    '',
    cells(columns),
    cells(columns.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows(result).map(cells),
    '',
    ...verdictLines(result).map((line, i) => (i === 0 ? `**${line}**` : `- ${line}`)),
    '',
  ].join('\n');
}

/** Appends `section` to the Markdown file at `path`, creating it with its header first. */
export function appendSection(path, section) {
  if (!existsSync(path)) writeFileSync(path, header);
  appendFileSync(path, `\n${section}`);
}
