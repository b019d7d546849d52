import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { faultPackages } from '../faults/registry.js';
import { faultText } from '../faults/spec.js';
import { faultCatalog, faultNames } from '../model/fault.js';
import { allScenarios } from '../scenarios/index.js';

export default class Scenarios extends BaseCommand {
  static override summary = 'List the chaos scenarios `booksim storm --scenario NAME` runs, one line each; with --faults, the faults `--fault` takes.';

  static override description =
    "Each scenario is a load shape plus a fault schedule. `--fault NAME:key=value,…` on storm adds faults or overrides a scenario's parameters; `--seed` makes their timing reproducible. `--faults` lists every fault with where it is injected and its parameters (defaults in parentheses; every fault also takes its window, from= and for=).";

  static override examples = [
    '<%= config.bin %> scenarios',
    '<%= config.bin %> scenarios --json',
    '<%= config.bin %> scenarios --faults',
    '<%= config.bin %> storm --scenario heartbeat-crash --bookings 60',
  ];

  static override flags = {
    faults: Flags.boolean({ description: 'list the faults --fault takes instead of the scenarios', default: false }),
  };

  static override enableJsonFlag = true;

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Scenarios);
    if (flags.faults) {
      const faults = faultNames.map((name) => ({ name, target: faultCatalog[name].target, summary: faultPackages[name].summary }));
      const width = Math.max(...faults.map((fault) => fault.name.length));
      for (const fault of faults) this.log(`${fault.name.padEnd(width)}  ${fault.target.padEnd(7)}  ${fault.summary.replaceAll(/`([a-z]+)`/g, '$1=')}`);
      return faults;
    }
    const listed = allScenarios.map((scenario) => ({ name: scenario.name, summary: scenario.summary, shape: scenario.shape, faults: scenario.faults.map(faultText) }));
    const width = Math.max(...listed.map((scenario) => scenario.name.length));
    for (const scenario of listed) this.log(`${scenario.name.padEnd(width)}  ${scenario.summary}\n${' '.repeat(width)}  faults: ${scenario.faults.join(' ')}`);
    this.log(`\n${this.config.bin} scenarios --faults lists every fault --fault takes.`);
    return listed;
  }
}
