import { Flags } from '@oclif/core';
import { resolveEndpoint } from '../aws/endpoint.js';
import { AwsCommand } from '../cli/aws-command.js';
import { deployFlags, endpointFlags, stackOptionsOf } from '../cli/flags.js';
import { deployStack, planDeploy } from '../deploy/deploy.js';
import type { Topology } from '../model/topology.js';
import { exitCodeHelp } from '../errors.js';
import { deployingWhat, outcomeLine, outcomeSummary, planText } from '../report/stack-text.js';

export default class Deploy extends AwsCommand {
  static override summary = 'Create the seat-booking stack on the endpoint, or bring it up to date (idempotent).';

  static override description = `Creates the system under test: the SNS FIFO bookings topic fanning out (raw delivery) to the inventory and payment SQS FIFO queues, each with a FIFO dead-letter queue; a notifications topic; a manual-review queue; DynamoDB tables for bookings (indexed by seat and by status), seats, tickets and idempotency records (with TTL); an activity per saga task; and the saga state machine, generated for a timing profile and validated with asl-validator before any call. A second run changes nothing and says so; a changed profile updates the state machine in place.

--high-throughput puts the FIFO queues (FifoThroughputLimit=perMessageGroupId, DeduplicationScope=messageGroup) and the FIFO bookings topic (FifoThroughputScope=MessageGroup) in AWS's high-throughput mode, with the same calls on LocalStack, booksim local and AWS: AWS's throughput quotas then apply per message group rather than per queue or topic (what \`booksim local --aws-quotas REGION\` enforces). Deploying the stack again without it turns it back off; booksim status shows which mode the stack is in.

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> deploy',
    '<%= config.bin %> deploy --profile realistic',
    '<%= config.bin %> deploy --high-throughput   # FIFO queues and topic in high-throughput mode',
    '<%= config.bin %> deploy --stack ci-42 --endpoint http://127.0.0.1:4566',
    '<%= config.bin %> deploy --dry-run',
    '<%= config.bin %> deploy --json',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...endpointFlags,
    ...deployFlags,
    'dry-run': Flags.boolean({ description: 'print the plan and the saga definition; call nothing' }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Deploy);
    const options = { ...stackOptionsOf(flags), topology: flags.topology as Topology };
    if (flags['dry-run']) {
      const plan = planDeploy(options, resolveEndpoint(flags).region);
      if (!this.jsonEnabled()) this.log(planText(plan));
      return plan;
    }
    return this.withEndpoint(flags, async (clients, config) => {
      if (!this.jsonEnabled()) this.log(`deploying ${deployingWhat(options)} to ${config.display}`);
      const resources = await deployStack(options, {
        clients,
        endpoint: config.display,
        region: config.region,
        onProgress: (outcome) => !this.jsonEnabled() && this.log(outcomeLine(outcome)),
      });
      if (!this.jsonEnabled()) this.log(outcomeSummary('deployed', options.stack, resources));
      return { stack: options.stack, topology: options.topology, profile: options.profile, highThroughput: options.highThroughput, endpoint: config.display, resources };
    });
  }
}
