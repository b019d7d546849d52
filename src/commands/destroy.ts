import { AwsCommand } from '../cli/aws-command.js';
import { confirmFlags, endpointFlags } from '../cli/flags.js';
import { destroyStack } from '../deploy/destroy.js';
import { validStackName } from '../deploy/stack.js';
import { exitCodeHelp } from '../errors.js';
import { outcomeLine, outcomeSummary } from '../report/stack-text.js';

export default class Destroy extends AwsCommand {
  static override summary = 'Delete every resource that carries the stack\'s tag, and nothing else.';

  static override description = `Deletes the stack's state machine, activities, tables, subscriptions, topics and queues, found by their stack-prefixed names and deleted only when they carry the stack's tag (booksim:stack=<stack>, which deploy puts on everything it creates): other stacks and anything else on the endpoint are left alone, and a resource of the stack's name without the tag is left and reported ("left"). A subscription goes with a tagged topic and queue. Resources already gone are reported as absent, so destroy can be run again safely.

With --endpoint aws it first names the AWS account and region and asks for --yes (a run not on a terminal exits 2 without it).

Exit codes:
${exitCodeHelp}`;

  static override examples = ['<%= config.bin %> destroy', '<%= config.bin %> destroy --stack ci-42', '<%= config.bin %> destroy --json'];

  static override enableJsonFlag = true;

  static override flags = { ...endpointFlags, ...confirmFlags };

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
    }, { what: `delete the resources of stack ${stack}`, yes: flags.yes });
  }
}
