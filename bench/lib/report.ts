// BENCHMARKS.md: where every benchmark appends the section of its run. Each benchmark
// formats its own section; old and new sections of one benchmark must read alike, so that
// runs compare.

import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's BENCHMARKS.md. */
export const benchmarksFile = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));

/** What a new BENCHMARKS.md starts with (the endpoint benchmark came first, and its columns are explained here). */
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

/** Appends `section` to the Markdown file at `path` (BENCHMARKS.md by default), creating it with its header first. */
export function appendSection(section: string, path: string = benchmarksFile): void {
  if (!existsSync(path)) writeFileSync(path, header);
  appendFileSync(path, `\n${section}`);
}
