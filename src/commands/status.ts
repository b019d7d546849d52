import { AwsCommand } from '../cli/aws-command.js';
import { endpointFlags } from '../cli/flags.js';
import { validStackName } from '../deploy/stack.js';
import { stackStatus } from '../deploy/status.js';
import { exitCodeHelp } from '../errors.js';
import { statusText } from '../report/stack-text.js';

export default class Status extends AwsCommand {
  static override summary = 'Show the stack: each resource, queue depths, running sagas, the profile deployed, the events on sale.';

  static override description = `Lists every resource of the stack and whether it exists; the depth of each queue (visible, in flight) and of its dead-letter queue; how many saga executions are running; the timing profile the deployed saga was generated for; and the events whose seats storms put on sale (each storm sells its own, or the one --event names): per event, the seats bookings reached and how many are sold.

Exit codes:
${exitCodeHelp}`;

  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --stack ci-42 --json'];

  static override enableJsonFlag = true;

  static override flags = { ...endpointFlags };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Status);
    const stack = validStackName(flags.stack);
    return this.withEndpoint(flags, async (clients, config) => {
      const status = await stackStatus(stack, { clients, endpoint: config.display, region: config.region });
      if (!this.jsonEnabled()) this.log(statusText(status, config.display));
      return { endpoint: config.display, ...status };
    });
  }
}
