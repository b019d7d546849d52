import { listedUntilHealed, type Injection, type ParsedFault } from '../package.js';
import type { FaultParamReader } from '../spec.js';
import type { AwsFaultKind, AwsFaultRule, ChaosProxy } from './proxy.js';

const services = ['sqs', 'sns', 'dynamodb', 'states'] as const;

/**
 * The AWS faults injecting now, as the rules of every chaos proxy of the run (one in front
 * of each distinct endpoint): a rule starts and heals on all of them at once. It owns the
 * proxies: closing it closes them.
 */
export class AwsFaultRules {
  private readonly proxies: ChaosProxy[] = [];
  private readonly started: AwsFaultRule[] = [];

  /** A proxy of the run: it injects the started rules from now on. */
  attach(proxy: ChaosProxy): void {
    this.proxies.push(proxy);
    proxy.setRules(this.started);
  }

  /** Injects `rule` on every proxy until healed; calls under way keep the fault they drew. */
  add(rule: AwsFaultRule): Injection {
    return listedUntilHealed(this.started, rule, () => {
      for (const proxy of this.proxies) proxy.setRules(this.started);
    });
  }

  /** Closes every proxy, ending the calls they hold. */
  async close(): Promise<void> {
    await Promise.all(this.proxies.splice(0).map((proxy) => proxy.close()));
  }
}

/**
 * An AWS fault's parameters, common to all: `rate` (share of matching calls, default
 * 0.05), `service` (sqs, sns, dynamodb, states; default all), `operation` (e.g. PutItem),
 * and the window; `extra` reads the fault's own.
 */
export function awsFault(fault: AwsFaultKind, reader: FaultParamReader, extra: Partial<AwsFaultRule> = {}): ParsedFault<AwsFaultRules> {
  const service = reader.has('service') ? reader.choice('service', services, 'sqs') : undefined;
  const operation = reader.word('operation');
  const rule: AwsFaultRule = {
    fault,
    probability: reader.probability('rate', 0.05),
    ...(service !== undefined ? { service } : {}),
    ...(operation !== undefined ? { operation } : {}),
    ...extra,
  };
  return { window: reader.window(), start: (rules) => rules.add(rule) };
}

/** The parameters every AWS fault takes, for its summary. */
export const awsFaultParams = '`rate` (0.05) of matching calls, `service` sqs|sns|dynamodb|states (all), `operation` (all, e.g. PutItem)';
