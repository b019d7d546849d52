import { parseDuration } from '../duration.js';
import { BooksimError, ExitCode } from '../errors.js';
import { faultNames, type FaultName, type FaultParams, type FaultSpec, type FaultWindow } from '../model/fault.js';

/**
 * Fault specs as users write them (`--fault NAME:key=value,…`) and the parameter readers
 * every injector checks its parameters with, so that a bad value is one clear usage error
 * whichever fault it belongs to.
 */

const faultSyntax = 'NAME or NAME:key=value,key=value (e.g. crash-mid-heartbeat:after=2,times=3)';

function usage(message: string): BooksimError {
  return new BooksimError(message, ExitCode.usage, [`Faults: ${faultNames.join(', ')}. Write ${faultSyntax}.`]);
}

/** `true`/`false` become booleans, numbers numbers, anything else stays a word (`2s`, `charge`). */
function parseValue(text: string): string | number | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
}

/** Reads `--fault` text; throws a usage error naming what is wrong. */
export function parseFaultSpec(text: string): FaultSpec {
  const [name = '', rest] = text.trim().split(/:(.*)/s, 2);
  if (!(faultNames as readonly string[]).includes(name)) throw usage(`--fault "${text}": there is no fault "${name}"`);
  const params: FaultParams = {};
  for (const pair of rest === undefined || rest === '' ? [] : rest.split(',')) {
    const match = /^\s*([a-z][a-zA-Z-]*)\s*=\s*(\S+)\s*$/.exec(pair);
    if (!match) throw usage(`--fault "${text}": "${pair}" is not key=value`);
    params[match[1]!] = parseValue(match[2]!);
  }
  return { name: name as FaultName, params };
}

/** A scenario's faults with the user's added on top: a fault named again gets its parameters overridden key by key. */
export function withOverrides(base: readonly FaultSpec[], overrides: readonly FaultSpec[]): FaultSpec[] {
  const merged = base.map((spec) => ({ name: spec.name, params: { ...spec.params } }));
  for (const override of overrides) {
    const existing = merged.find((spec) => spec.name === override.name);
    if (existing) Object.assign(existing.params, override.params);
    else merged.push({ name: override.name, params: { ...override.params } });
  }
  return merged;
}

/** Reads one fault's parameters, refusing unknown keys and bad values with a usage error that names the fault. */
export class FaultParamReader {
  private readonly read = new Set<string>();

  constructor(private readonly spec: FaultSpec) {}

  private raw(key: string): string | number | boolean | undefined {
    this.read.add(key);
    return this.spec.params[key];
  }

  private fail(key: string, expected: string): never {
    throw usage(`--fault ${this.spec.name}: ${key}=${String(this.spec.params[key])} is not ${expected}`);
  }

  /** A share in [0, 1]. */
  probability(key: string, fallback: number): number {
    const value = this.raw(key) ?? fallback;
    return typeof value === 'number' && value >= 0 && value <= 1 ? value : this.fail(key, 'a share between 0 and 1');
  }

  /** A number above 0 (a rate per second), if given. */
  positive(key: string): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    return typeof value === 'number' && value > 0 && Number.isFinite(value) ? value : this.fail(key, 'a positive number');
  }

  /** Whether the parameter was given at all (an optional choice, or two that exclude each other). */
  has(key: string): boolean {
    return this.spec.params[key] !== undefined;
  }

  /** Refuses two parameters given together that exclude each other. */
  either(first: string, second: string): void {
    if (this.has(first) && this.has(second)) throw usage(`--fault ${this.spec.name}: give ${first}= or ${second}=, not both`);
  }

  /** A whole number ≥ min. */
  integer(key: string, fallback: number, min = 0): number {
    const value = this.raw(key) ?? fallback;
    return typeof value === 'number' && Number.isInteger(value) && value >= min ? value : this.fail(key, `a whole number ≥ ${min}`);
  }

  /** A duration in ms: `500ms`, `2s`, or a plain number of ms. */
  durationMs(key: string, fallback: number): number;
  durationMs(key: string, fallback: number | undefined): number | undefined;
  durationMs(key: string, fallback: number | undefined): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value === 'number') return value >= 0 ? value : this.fail(key, 'a duration');
    if (typeof value !== 'string') return this.fail(key, 'a duration');
    try {
      return parseDuration(value, key);
    } catch {
      return this.fail(key, 'a duration (500ms, 2s, 1m)');
    }
  }

  /** One of the given words (`true`/`false` count as words here). */
  choice<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const value = String(this.raw(key) ?? fallback);
    return (choices as readonly unknown[]).includes(value) ? (value as T) : this.fail(key, `one of ${choices.join(', ')}`);
  }

  /** A name as given (an operation such as PutItem), if any. */
  word(key: string): string | undefined {
    const value = this.raw(key);
    return value === undefined ? undefined : String(value);
  }

  /** When the fault is active (`from`, `for`; `for` defaults to `defaultForMs`, else to the end of the run): it heals when the window closes. */
  window(defaultForMs?: number): FaultWindow {
    const forMs = this.durationMs('for', defaultForMs);
    return { fromMs: this.durationMs('from', 0), ...(forMs !== undefined ? { forMs } : {}) };
  }

  /** Call once every parameter was read: a key the fault does not know is a typo worth refusing. */
  done(): void {
    const unknown = Object.keys(this.spec.params).filter((key) => !this.read.has(key));
    if (unknown.length > 0) throw usage(`--fault ${this.spec.name}: unknown parameter ${unknown.join(', ')}`);
  }
}

/** A fault's parameters as `--fault` takes them: `rate=0.5,for=10s` ('' for none). */
export const paramsText = (params: FaultParams): string =>
  Object.entries(params)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(',');

/** A fault spec as `--fault` takes it: the inverse of {@link parseFaultSpec}. */
export function faultText(spec: FaultSpec): string {
  const params = paramsText(spec.params);
  return params === '' ? spec.name : `${spec.name}:${params}`;
}
