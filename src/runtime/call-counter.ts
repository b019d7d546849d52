import type { AwsClients } from '../aws/clients.js';

/** AWS API calls by service (the client's key: sqs, sns, dynamodb, sfn) and operation (ReceiveMessage, …). */
export type CallCounts = Record<string, Record<string, number>>;

/** Counts the calls made through some clients. */
export interface CallCounter {
  /** A copy of the counts so far. */
  snapshot(): CallCounts;
}

/** What the counter needs of a client: its middleware stack (every SDK v3 client has one). */
interface Countable {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

const countedServices = ['sqs', 'sns', 'dynamodb', 'sfn'] as const;

/**
 * Adds a middleware to each of the clients that counts every call by service and
 * operation. It sits in the initialize step, so a call is counted once however many
 * times the SDK retries it: the figure is calls made, as the design counts them (calls
 * per booking), not HTTP attempts. Side effect: changes the clients' middleware stacks;
 * call it once per set of clients.
 */
export function countCalls(clients: Pick<AwsClients, 'sqs' | 'sns' | 'dynamodb' | 'sfn'>): CallCounter {
  const counts: CallCounts = {};
  for (const service of countedServices) {
    const client = clients[service];
    const perOperation = (counts[service] = {} as Record<string, number>);
    (client as unknown as Countable).middlewareStack.add(
      (next, context) => (args) => {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        perOperation[operation] = (perOperation[operation] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'booksimCallCounter' },
    );
  }
  return { snapshot: () => structuredClone(counts) };
}

/** Adds call counts together (pure): how the supervisor sums its workers' reports. */
export function addCallCounts(...all: CallCounts[]): CallCounts {
  const total: CallCounts = {};
  for (const counts of all) {
    for (const [service, operations] of Object.entries(counts)) {
      const into = (total[service] ??= {});
      for (const [operation, n] of Object.entries(operations)) into[operation] = (into[operation] ?? 0) + n;
    }
  }
  return total;
}
