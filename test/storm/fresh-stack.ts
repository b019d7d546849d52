import { systemClock } from '../../src/clock.js';
import { deployStack } from '../../src/deploy/deploy.js';
import type { FunctionContext } from '../../src/functions/model.js';
import { resolveResources } from '../../src/functions/resources.js';
import { useEndpoint, uniqueName, type EndpointFixture } from '../helpers/endpoint.js';

/**
 * An embedded endpoint for the file, and a way to deploy a new stack on it per test (fast
 * profile; no gateway: its URL is never called), so that each test starts with empty
 * queues, tables and executions.
 */
export function useFreshStacks(prefix: string): { fx: EndpointFixture; deployed(): Promise<FunctionContext> } {
  const fx = useEndpoint();
  return {
    fx,
    async deployed() {
      const stack = uniqueName(prefix);
      await deployStack({ stack, profile: 'fast', maxReceiveCount: 5, roleArn: 'arn:aws:iam::000000000000:role/test' }, { clients: fx.clients, endpoint: fx.endpoint.url, region: 'us-east-1' });
      return { clients: fx.clients, clock: systemClock, resources: await resolveResources(fx.clients, stack, 'http://127.0.0.1:9') };
    },
  };
}
