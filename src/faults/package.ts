import type { TimingProfileName } from '../deploy/saga-profiles.js';
import { faultCatalog, type FaultName, type FaultWindow } from '../model/fault.js';
import type { WorkerFunction } from '../runtime/worker-messages.js';
import type { AwsFaultRules } from './aws/rules.js';
import type { GatewayFaultRules } from './gateway/rules.js';
import type { FaultParamReader } from './spec.js';
import type { WorkerFaultHost } from './worker/host.js';

/**
 * What a fault is, as one package (src/faults/{gateway,aws,worker}/<name>.ts): it reads its
 * parameters once, says when it is active, and starts an injection that heals. Jepsen's
 * nemesis packages are the model: a fault with its own schedule and a heal.
 */

/** What a fault injects into, by where it is injected: the payment gateway's rules, the chaos proxies' rules, the worker processes. */
export interface FaultContexts {
  gateway: GatewayFaultRules;
  aws: AwsFaultRules;
  worker: WorkerFaultHost;
}

type TargetOf<N extends FaultName> = (typeof faultCatalog)[N]['target'];

/** A started fault. */
export interface Injection {
  /** Stops injecting: no injection starts after it resolves (one under way may finish). */
  heal(): void | Promise<void>;
}

/** Puts `item` in `list` until the returned injection heals, telling `changed` after each change. */
export function listedUntilHealed<T>(list: T[], item: T, changed: () => void = () => {}): Injection {
  list.push(item);
  changed();
  return {
    heal: () => {
      const at = list.indexOf(item);
      if (at < 0) return;
      list.splice(at, 1);
      changed();
    },
  };
}

/** What a fault may be checked against before the load starts: the deployed saga's profile and the functions workers host. */
export interface SystemFacts {
  profile: TimingProfileName;
  hosted: readonly WorkerFunction[];
}

/** A fault's parameters, read: when it is active, and how it starts. */
export interface ParsedFault<C> {
  window: FaultWindow;
  /** Refuses (a usage error) what this system cannot have injected; called before the load starts. */
  check?(system: SystemFacts): void;
  /** Starts injecting; called when the window opens. */
  start(context: C): Injection;
}

export interface FaultPackage<N extends FaultName> {
  name: N;
  /** One line for `booksim scenarios`: what the fault does, with its parameters and their defaults. */
  summary: string;
  /**
   * Reads every parameter (a usage error naming the fault and the parameter for a bad or
   * unknown one; the registry refuses keys nobody read) and says how to start.
   */
  parse(reader: FaultParamReader): ParsedFault<FaultContexts[TargetOf<N>]>;
}
