import { BaseCommand } from '../cli/base-command.js';
import { faultText } from '../faults/spec.js';
import { allScenarios } from '../scenarios/index.js';

export default class Scenarios extends BaseCommand {
  static override summary = 'List the chaos scenarios `booksim storm --scenario NAME` runs, one line each.';

  static override description = 'Each scenario is a load shape plus a fault schedule. `--fault NAME:key=value,…` on storm adds faults or overrides a scenario\'s parameters; `--seed` makes their timing reproducible.';

  static override examples = ['<%= config.bin %> scenarios', '<%= config.bin %> scenarios --json', '<%= config.bin %> storm --scenario heartbeat-crash --bookings 60'];

  static override enableJsonFlag = true;

  async run(): Promise<unknown> {
    await this.parse(Scenarios);
    const listed = allScenarios.map((scenario) => ({ name: scenario.name, summary: scenario.summary, shape: scenario.shape, faults: scenario.faults.map(faultText) }));
    const width = Math.max(...listed.map((scenario) => scenario.name.length));
    for (const scenario of listed) this.log(`${scenario.name.padEnd(width)}  ${scenario.summary}\n${' '.repeat(width)}  faults: ${scenario.faults.join(' ')}`);
    return listed;
  }
}
