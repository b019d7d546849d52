import { Flags } from '@oclif/core';
import { resolveEndpoint } from '../aws/endpoint.js';
import { AwsCommand } from '../cli/aws-command.js';
import { confirmFlags, deployFlags, endpointFlags, highThroughputOf, stackOptionsOf } from '../cli/flags.js';
import { deployStack, planDeploy } from '../deploy/deploy.js';
import { deployedSabotages, sabotageNames, type Sabotage } from '../model/sabotage.js';
import type { Topology } from '../model/topology.js';
import { BooksimError, ExitCode, exitCodeHelp } from '../errors.js';
import { deployingWhat, outcomeLine, outcomeSummary, planText } from '../report/stack-text.js';

export default class Deploy extends AwsCommand {
  static override summary = 'Create the seat-booking stack on the endpoint, or bring it up to date (idempotent).';

  static override description = `Creates the system under test: the SNS FIFO bookings topic fanning out (raw delivery) to the inventory and payment SQS FIFO queues, each with a FIFO dead-letter queue; a notifications topic; a manual-review queue; DynamoDB tables for bookings (indexed by seat and by status), seats, tickets and idempotency records (with TTL); an activity per saga task; and the saga state machine, generated for a timing profile and validated with asl-validator before any call. A second run changes nothing and says so; a changed profile updates the state machine in place.

The saga runs as an IAM role: deploy creates <stack>-saga-role (Step Functions may assume it; it may only send to the stack's manual-review queue), tagged with the stack, unless --role-arn names one; destroy deletes the one it created. Every resource carries the tag booksim:stack=<stack>; one of the stack's names found without a tag (a stack deployed by an older booksim) is tagged and reported updated, and one tagged for another stack is refused.

--high-throughput puts the FIFO queues (FifoThroughputLimit=perMessageGroupId, DeduplicationScope=messageGroup) and the FIFO bookings topic (FifoThroughputScope=MessageGroup) in AWS's high-throughput mode, with the same calls on LocalStack, booksim local and AWS: AWS's throughput quotas then apply per message group rather than per queue or topic (what \`booksim local --aws-quotas REGION\` enforces). --rps N, the booking rate you will storm the stack at, switches it on by itself above 300 a second, the transactions a FIFO queue takes per API action a second without it (AWS's SQS quotas), since each booking is one message in each FIFO queue; --no-high-throughput keeps it off. Deploying the stack again without either turns it back off; booksim status shows which mode the stack is in.

--sabotage NAME (repeatable) deploys the saga with a safeguard of its definition switched off, to see what breaks without it (docs/faults.md, Sabotage): ${deployedSabotages.join(', ')}. The definition's Comment records it, storm hands it to the workers and records it in run.json, and a storm asking for one the stack was deployed without is refused. Deploying again without it restores the correct saga. The other sabotages live in the functions' code: give them to storm or run.

Exit codes:
${exitCodeHelp}`;

  static override examples = [
    '<%= config.bin %> deploy',
    '<%= config.bin %> deploy --profile realistic',
    '<%= config.bin %> deploy --high-throughput   # FIFO queues and topic in high-throughput mode',
    '<%= config.bin %> deploy --rps 500   # high throughput because 500 bookings a second need it',
    '<%= config.bin %> deploy --endpoint aws --region eu-west-1 --stack lab --yes   # real AWS (docs/aws.md)',
    '<%= config.bin %> deploy --stack ci-42 --endpoint http://127.0.0.1:4566',
    '<%= config.bin %> deploy --stack lab --sabotage no-heartbeat   # the saga without heartbeats; then: storm --stack lab --scenario heartbeat-crash',
    '<%= config.bin %> deploy --dry-run',
    '<%= config.bin %> deploy --json',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...endpointFlags,
    ...confirmFlags,
    ...deployFlags,
    'dry-run': Flags.boolean({ description: 'print the plan and the saga definition; call nothing' }),
    rps: Flags.integer({ description: 'the booking rate the stack is for: above 300 a second the FIFO queues and topic go high-throughput (unless --no-high-throughput)', min: 1, helpValue: 'N' }),
    sabotage: Flags.string({ description: `switch a safeguard of the saga's definition off (repeatable): ${deployedSabotages.join(', ')}`, multiple: true, options: [...sabotageNames], default: [] }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Deploy);
    const throughput = highThroughputOf(flags);
    const options = { ...stackOptionsOf(flags, throughput), topology: flags.topology as Topology, sabotage: definitionSabotage(flags.sabotage as Sabotage[]) };
    const { byRate } = throughput;
    if (byRate && options.topology === 'fifo-fanout' && !this.jsonEnabled()) this.log(`high throughput on: ${byRate.rps} bookings a second is more than the ${byRate.limit} transactions a second a FIFO queue takes per API action without it`);
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
      return { stack: options.stack, topology: options.topology, profile: options.profile, highThroughput: options.highThroughput, sabotage: options.sabotage, endpoint: config.display, resources };
    }, { what: `create or update the resources of stack ${options.stack}`, yes: flags.yes });
  }
}

/** The sabotages of --sabotage, checked (one that is not the definition's is switched in the functions' code, by storm: a usage error), once each in catalog order. */
function definitionSabotage(sabotage: Sabotage[]): Sabotage[] {
  const inCode = sabotage.find((name) => !deployedSabotages.includes(name));
  if (inCode !== undefined) {
    throw new BooksimError(`--sabotage ${inCode} is a storm sabotage: it switches the functions' code, not the saga's definition`, ExitCode.usage, [
      `Give it to storm or run (booksim storm --sabotage ${inCode}); deploy takes ${deployedSabotages.join(', ')}.`,
    ]);
  }
  return deployedSabotages.filter((name) => sabotage.includes(name));
}
