import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { BooksimError, ExitCode, exitCodeHelp } from '../errors.js';
import { openInBrowser } from '../report/html/open.js';
import { defaultComparisonFile, writeComparisonReport, writeRunReport } from '../report/html/write-report.js';
import { type WrittenReport } from '../model/run.js';
import { findRunDir } from '../run-dir/location.js';

export default class Report extends BaseCommand {
  static override summary = "Write a run's HTML report: one self-contained file that opens offline and as a CI artifact.";

  static override description = `The report shows the verdict and the run's parameters at the top, the invariants with their counterexamples (each expandable to the seat's timeline), latency distributions (HdrHistogram style, per tier) and latency over time, target vs achieved rate, queue depths and running sagas over time, faults as shaded periods and markers on every chart, the saga's steps (where its time went: waiting for a worker, working, retries), saga outcomes and money from the gateway ledger, and AWS calls and cost per booking (at the price table the run kept, pricing.json).

It is written as reports/<run>/report.html unless --out says where. With --compare RUN RUN…, one page compares several runs: invariants side by side, distributions overlaid. Run \`booksim verify\` first for the verdict; a run never verified is reported as such.

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report --run 2026-11-23T09-03-08Z-e909 --open',
    '<%= config.bin %> report --out ci-artifacts/booksim.html',
    '<%= config.bin %> report --compare 2026-11-23T09-03-08Z-e909 latest --out compare.html',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    run: Flags.string({ description: 'run id, `latest`, or the path of a run directory', default: 'latest', exclusive: ['compare'] }),
    compare: Flags.string({ description: 'compare these runs on one page (ids, `latest` or paths; two or more)', multiple: true, helpValue: 'RUN' }),
    'reports-dir': Flags.string({ description: 'where run directories are', default: 'reports' }),
    out: Flags.string({ description: 'write the report here (default: report.html in the run directory; compare.html in the reports directory for --compare)', helpValue: 'FILE' }),
    open: Flags.boolean({ description: 'open the report in the default browser', default: false }),
  };

  async run(): Promise<WrittenReport> {
    const { flags } = await this.parse(Report);
    const reportsDir = flags['reports-dir'];
    let written: WrittenReport;
    if (flags.compare !== undefined) {
      if (flags.compare.length < 2) throw new BooksimError('--compare needs two runs or more', ExitCode.usage, ['For one run, use --run.']);
      const runDirs = await Promise.all(flags.compare.map((run) => findRunDir(reportsDir, run)));
      written = await writeComparisonReport(runDirs, flags.out ?? defaultComparisonFile(reportsDir));
    } else {
      written = await writeRunReport(await findRunDir(reportsDir, flags.run), flags.out);
    }
    this.log(`report written: ${written.file} (${Math.ceil(written.bytes / 1024)} KB, ${written.runIds.length} run${written.runIds.length === 1 ? '' : 's'})`);
    if (flags.open) await openInBrowser(written.file, (message) => this.logToStderr(message));
    return written;
  }
}
