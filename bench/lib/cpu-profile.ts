// Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and tells where the CPU went:
// self time by function and by package. Self time of a node is the sum of the time deltas
// of the samples that landed in it; the idle node is not CPU and is left out.

import { readFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';

/** V8's pseudo-functions: their url is empty and their name is in parentheses. */
const idle = '(idle)';

/** Self time of one function, in ms. */
export interface FunctionTime {
  name: string;
  url: string;
  /** 1-based. */
  line: number;
  ms: number;
}

/** Self time of a package or a kind of code, in ms. */
export interface NamedTime {
  name: string;
  ms: number;
}

/** What {@link analyseProfile} finds: the busy and profiled time, and the self time three ways, largest first. */
export interface ProfileAnalysis {
  busyMs: number;
  wallMs: number;
  byFunction: FunctionTime[];
  byPackage: NamedTime[];
  byKind: NamedTime[];
}

/**
 * Where a function's code lives, coarse enough to add up: a package of node_modules
 * (`@aws-sdk/client-sqs`, `dynalite`), a directory of booksim's build (`booksim emulator`),
 * a part of Node's own library (`node:internal/streams`), or V8's pseudo-functions
 * (`(garbage collector)`, `(program)`) and built-ins without a script (`(native)`).
 */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  // The last node_modules in the path is the package the code belongs to.
  const modules = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
  const last = modules.at(-1)?.[1];
  if (last !== undefined) return last;
  const own = /\/dist\/([^/]+)\//.exec(url) ?? /\/(bin)\//.exec(url);
  if (own) return `booksim ${own[1]}`;
  const internal = /^node:(internal\/[^/]+|[^/]+)/.exec(url);
  return internal ? `node:${(internal[1] ?? '').replace(/\.js$/, '')}` : url;
}

/** Packages added up into what they do: the first pattern a package matches names its kind. */
const kinds: Array<[string, RegExp]> = [
  ['AWS SDK', /^@(aws-sdk|smithy|aws-crypto)\//],
  ['HTTP, sockets, streams, events', /^node:(_http|http|net|events|stream|internal\/(streams|http|stream_base_commons|async_hooks))/],
  ['crypto', /^node:(crypto|internal\/crypto)/],
  ['dynalite and its store', /^(dynalite|level|abstract-level|memdown|functional-red-black-tree|lazy|big\.js)/],
  ['start-up: loading modules', /^node:(internal\/(modules|deps|bootstrap|url)|path|fs|internal\/fs)/],
  ['booksim', /^booksim /],
];

/** What a package's code does, by {@link kinds}; the package itself when none matches. */
export function kindOf(pkg: string): string {
  return kinds.find(([, pattern]) => pattern.test(pkg))?.[0] ?? pkg;
}

/**
 * The busy time of a profile (ms, idle excluded) and its self time grouped three ways:
 * by function (name, file, line), by package ({@link packageOf}) and by kind
 * ({@link kindOf}), largest first.
 */
export function analyseProfile(profile: Profiler.Profile): ProfileAnalysis {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0)));
  const byFunction = new Map<string, Omit<FunctionTime, 'ms'> & { us: number }>();
  const byPackage = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const node = nodes.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    if (name === idle) continue;
    busyUs += us;
    const pkg = packageOf(url, name);
    const key = `${name} ${url}:${lineNumber + 1}`;
    const entry = byFunction.get(key) ?? { name, url, line: lineNumber + 1, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const largestFirst = (a: { ms: number }, b: { ms: number }) => b.ms - a.ms;
  const byKind = new Map<string, number>();
  for (const [pkg, us] of byPackage) byKind.set(kindOf(pkg), (byKind.get(kindOf(pkg)) ?? 0) + us);
  return {
    busyMs: busyUs / 1000,
    wallMs: (profile.endTime - profile.startTime) / 1000,
    byFunction: [...byFunction.values()].map(({ us, ...entry }) => ({ ...entry, ms: us / 1000 })).sort(largestFirst),
    byPackage: [...byPackage].map(([name, us]) => ({ name, ms: us / 1000 })).sort(largestFirst),
    byKind: [...byKind].map(([name, us]) => ({ name, ms: us / 1000 })).sort(largestFirst),
  };
}

/** {@link analyseProfile} of a .cpuprofile file. */
export function analyseProfileFile(file: string): ProfileAnalysis {
  return analyseProfile(JSON.parse(readFileSync(file, 'utf8')) as Profiler.Profile);
}

/** The pid in a name `node --cpu-prof` gives its file: CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile. */
export function pidOfProfileFile(name: string): number | undefined {
  const match = /^CPU\.\d+\.\d+\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * An analysis as text: the busy time, the `top` kinds of code, packages and functions by
 * self time, each in ms, in ms per booking (`bookings`) and as a share of the busy time.
 */
export function formatAnalysis(label: string, analysis: ProfileAnalysis, bookings: number, top = 12): string {
  const row = (name: string, ms: number) => `  ${ms.toFixed(0).padStart(7)} ms ${(ms / bookings).toFixed(3).padStart(7)} ms/booking ${((100 * ms) / analysis.busyMs).toFixed(1).padStart(5)}%  ${name}`;
  const shortUrl = (url: string) => url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
  return [
    `${label}: ${analysis.busyMs.toFixed(0)} ms busy in ${analysis.wallMs.toFixed(0)} ms profiled (${(analysis.busyMs / bookings).toFixed(3)} ms/booking)`,
    ' by kind:',
    ...analysis.byKind.slice(0, top).map(({ name, ms }) => row(name, ms)),
    ' by package:',
    ...analysis.byPackage.slice(0, top).map(({ name, ms }) => row(name, ms)),
    ' by function (self time):',
    ...analysis.byFunction.slice(0, top).map(({ name, url, line, ms }) => row(`${name} ${shortUrl(url)}:${line}`, ms)),
  ].join('\n');
}
