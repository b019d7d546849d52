import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { exitCodeHelp } from '../errors.js';
import { findRunDir } from '../run-dir/location.js';
import { mergeRunDirs } from '../run-dir/merge.js';

export default class Merge extends BaseCommand {
  static override summary = "Merge the run directories of a plan's shards (storm --shard i/n) into one run that verify and report read like any other.";

  static override description = `Each shard of a plan (storm --shard i/n --seed S, the same load flags on every host) sends its part of the same requests against one stack and writes a run directory of its own, marked with the plan's id. merge joins them: the request logs, fault logs and gateway ledgers are joined; the API latency histograms are added raw (never their percentiles) and the percentiles read from the sum; the bookings' decisions, which every shard reads for the whole plan, are joined by booking and the time-to-decision histograms built again from them. The merged run's id is the plan's, so \`booksim verify --run DIR\` checks the plan's bookings exactly as for a single-host run.

It refuses (exit 2) runs that are not shards, shards of different plans, a missing shard, and a shard given twice. The merged directory is --out, or the plan's id next to the first shard's directory; it must not exist, and becomes the latest run of the directory it is in.

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> merge host-a/reports/2026-11-23T09-03-08Z-e909 host-b/reports/2026-11-23T09-03-09Z-41c2',
    '<%= config.bin %> merge shard-1 shard-2 --out reports/merged && <%= config.bin %> verify --run reports/merged',
  ];

  static override enableJsonFlag = true;

  static override strict = false;

  static override args = {
    runs: Args.string({ description: "the shards' run directories (paths, or run ids under --reports-dir)", required: true }),
  };

  static override flags = {
    out: Flags.string({ description: "where the merged run directory goes (default: the plan's id next to the first shard's directory)", helpValue: 'DIR' }),
    'reports-dir': Flags.string({ description: 'where run ids are looked up', default: 'reports' }),
  };

  async run(): Promise<{ runDir: string; runId: string; shards: number; bookings: number }> {
    const { argv, flags } = await this.parse(Merge);
    const dirs = await Promise.all((argv as string[]).map((run) => findRunDir(flags['reports-dir'], run)));
    const merged = await mergeRunDirs(dirs, flags.out);
    this.log(`merged ${merged.shards} shards of plan ${merged.summary.runId}: ${merged.summary.requests.sent} requests, ${merged.summary.bookings.accepted} bookings → ${merged.dir}`);
    return { runDir: merged.dir, runId: merged.summary.runId, shards: merged.shards, bookings: merged.summary.bookings.accepted };
  }
}
