import { faultCatalog, type FaultName, type FaultSpec, type FaultTarget, type FaultWindow } from '../model/fault.js';
import { awsDrop } from './aws/aws-drop.js';
import { awsError } from './aws/aws-error.js';
import { awsLatency } from './aws/aws-latency.js';
import { awsLostResponse } from './aws/aws-lost-response.js';
import { awsThrottle } from './aws/aws-throttle.js';
import { gatewayError } from './gateway/gateway-error.js';
import { gatewayLostResponse } from './gateway/gateway-lost-response.js';
import { paymentDecline } from './gateway/payment-decline.js';
import { refundTimeout } from './gateway/refund-timeout.js';
import type { FaultContexts, FaultPackage, Injection, SystemFacts } from './package.js';
import { FaultParamReader } from './spec.js';
import { coldStart } from './worker/cold-start.js';
import { crashMidHeartbeat } from './worker/crash-mid-heartbeat.js';
import { duplicateDelivery } from './worker/duplicate-delivery.js';
import { lateDelivery } from './worker/late-delivery.js';
import { slowTask } from './worker/slow-task.js';
import { stopExecution } from './worker/stop-execution.js';
import { stuckTask } from './worker/stuck-task.js';
import { workerCrash } from './worker/worker-crash.js';
import { workerHang } from './worker/worker-hang.js';

/**
 * Every fault's package, by name: the compiler refuses a name of the catalog
 * (src/model/fault.ts) without a package, or a package without a name. Adding a fault is
 * its name in the catalog, its module, and its line here.
 */
export const faultPackages: { [N in FaultName]: FaultPackage<N> } = {
  'payment-decline': paymentDecline,
  'gateway-error': gatewayError,
  'gateway-lost-response': gatewayLostResponse,
  'refund-timeout': refundTimeout,
  'crash-mid-heartbeat': crashMidHeartbeat,
  'worker-hang': workerHang,
  'worker-crash': workerCrash,
  'duplicate-delivery': duplicateDelivery,
  'late-delivery': lateDelivery,
  'cold-start': coldStart,
  'slow-task': slowTask,
  'stuck-task': stuckTask,
  'aws-latency': awsLatency,
  'aws-throttle': awsThrottle,
  'aws-error': awsError,
  'aws-drop': awsDrop,
  'aws-lost-response': awsLostResponse,
  'stop-execution': stopExecution,
};

/** One fault of a run, its parameters read once: where it injects, when, and how it starts. */
export interface PlannedFault {
  spec: FaultSpec;
  target: FaultTarget;
  window: FaultWindow;
  check(system: SystemFacts): void;
  start(contexts: Partial<FaultContexts>): Injection;
}

/** Reads a fault's parameters through its package; throws a usage error naming the fault for a bad or unknown one. */
export function planFault(spec: FaultSpec): PlannedFault {
  const reader = new FaultParamReader(spec);
  const parsed = (faultPackages[spec.name] as FaultPackage<FaultName>).parse(reader);
  reader.done();
  const { target } = faultCatalog[spec.name];
  return {
    spec,
    target,
    window: parsed.window,
    check: (system) => parsed.check?.(system),
    start: (contexts) => {
      const context = contexts[target];
      if (context === undefined) throw new Error(`${spec.name} needs the ${target} faults' context, and the run has none`);
      return parsed.start(context);
    },
  };
}

/** A run's faults, read: what a command does before it touches the endpoint, and the storm once. */
export const planFaults = (specs: readonly FaultSpec[]): PlannedFault[] => specs.map(planFault);
