import type { ServiceKey } from './endpoint.js';

/** An AWS call as booksim names it: the client's service, the operation, and the endpoint it was sent to. */
export interface AwsCall {
  service: ServiceKey;
  operation: string;
  endpoint: string;
}

/** What booksim's middlewares need of a client: its middleware stack (every SDK v3 client has one). */
export interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** The operation a middleware's context names, as AWS does (`ReceiveMessage`, not `ReceiveMessageCommand`). */
export function operationOf(context: { commandName?: string }): string {
  return (context.commandName ?? 'Unknown').replace(/Command$/, '');
}

const failedCalls = new WeakMap<object, AwsCall>();

/**
 * Remembers, for every error the client's calls end with (after the SDK's retries), which
 * call it was: the SDK's errors say what AWS answered but neither the operation nor the
 * endpoint, and with one endpoint per service a user needs both to know where to look.
 */
export function tagFailedCalls(client: MiddlewareClient, service: ServiceKey, endpoint: string): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (typeof error === 'object' && error !== null) failedCalls.set(error, { service, operation: operationOf(context), endpoint });
        throw error;
      }
    },
    { step: 'initialize', name: 'booksimFailedCall' },
  );
}

/** A failed call and what came of it, in one line: `dynamodb DescribeTable answered InternalServerError: …`. */
export function failedCallText(call: Pick<AwsCall, 'service' | 'operation'>, answer: string): string {
  return `${call.service} ${call.operation} ${answer}`;
}

/** The call an error came from, when a client of {@link tagFailedCalls} raised it. */
export function failedCallOf(error: unknown): AwsCall | undefined {
  return typeof error === 'object' && error !== null ? failedCalls.get(error) : undefined;
}
