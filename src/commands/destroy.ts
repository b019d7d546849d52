import { AwsCommand } from '../cli/aws-command.js';
import { endpointFlags } from '../cli/flags.js';
import { destroyStack } from '../deploy/destroy.js';
import { validStackName } from '../deploy/stack.js';
import { exitCodeHelp } from '../errors.js';
import { outcomeLine, outcomeSummary } from '../report/stack-text.js';

export default class Destroy extends AwsCommand {
  static override summary = 'Delete every resource of the stack, and nothing else.';

  static override description = `Deletes the stack's state machine, activities, tables, subscriptions, topics and queues, found by their stack-prefixed names: other stacks and anything else on the endpoint are left alone. Resources already gone are reported as absent, so destroy can be run again safely.

Exit codes:
${exitCodeHelp}`;

  static override examples = ['<%= config.bin %> destroy', '<%= config.bin %> destroy --stack ci-42', '<%= config.bin %> destroy --json'];

  static override enableJsonFlag = true;

  static override flags = { ...endpointFlags };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Destroy);
    const stack = validStackName(flags.stack);
    return this.withEndpoint(flags, async (clients, config) => {
      if (!this.jsonEnabled()) this.log(`destroying stack ${stack} at ${config.display}`);
      const resources = await destroyStack(stack, {
        clients,
        endpoint: config.display,
        region: config.region,
        onProgress: (outcome) => !this.jsonEnabled() && this.log(outcomeLine(outcome)),
      });
      if (!this.jsonEnabled()) this.log(outcomeSummary('destroyed', stack, resources));
      return { stack, endpoint: config.display, resources };
    });
  }
}
