import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** System browsers tried when no packaged one can run here (a Mac, an arm64 Linux). */
const systemBrowsers = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Flags for a headless browser started as root in a container with a closed network: no sandbox, no calls home. */
const flags = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A browser binary and the environment it needs. */
interface BrowserBinary {
  executablePath: string;
  env?: Record<string, string>;
  source: string;
}

/**
 * The headless Chromium that the npm package `@sparticuz/chromium` ships, unpacked on first
 * use (into the temporary folder, where the package puts it). It is built for Linux x64 and
 * links only glibc and NSS; the package carries NSS too (its al2023 archive), so with that
 * on LD_LIBRARY_PATH it needs nothing that `npm ci` did not install.
 */
async function packagedChromium(): Promise<BrowserBinary | undefined> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const { default: Chromium, inflate } = await import('@sparticuz/chromium');
  const executablePath = await Chromium.executablePath();
  const bin = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', 'bin');
  const libraries = join(await inflate(join(bin, 'al2023.tar.br')), 'lib');
  const fonts = join(dirname(executablePath), 'fonts');
  const inherited = process.env.LD_LIBRARY_PATH ? `:${process.env.LD_LIBRARY_PATH}` : '';
  return { executablePath, env: { LD_LIBRARY_PATH: `${libraries}${inherited}`, FONTCONFIG_PATH: fonts }, source: 'the npm package @sparticuz/chromium' };
}

/**
 * The browser for the report's browser tests and benchmark: `BOOKSIM_CHROMIUM` when set
 * (it must exist); else the Chromium that `npm ci` installed ({@link packagedChromium});
 * else a system Chromium or Chrome. Throws, naming what it tried, when there is none: the
 * browser tests then fail loudly, never skip.
 */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<BrowserBinary> {
  const chosen = env.BOOKSIM_CHROMIUM;
  if (chosen !== undefined) {
    if (!existsSync(chosen)) throw new Error(`BOOKSIM_CHROMIUM names ${chosen}, which does not exist: point it at a Chromium or Chrome binary, or unset it to use the one npm ci installs`);
    return { executablePath: chosen, source: 'BOOKSIM_CHROMIUM' };
  }
  const packaged = await packagedChromium();
  if (packaged) return packaged;
  const system = systemBrowsers.find((path) => existsSync(path));
  if (system) return { executablePath: system, source: 'the system' };
  throw new Error(`no Chromium: the one @sparticuz/chromium ships runs on Linux x64 only, and none of ${systemBrowsers.join(', ')} exists; set BOOKSIM_CHROMIUM to a Chromium or Chrome binary`);
}

/** Starts headless Chromium ({@link findChromium}); a launch failure names the binary and where it came from. */
export async function launchChromium(): Promise<Browser> {
  const binary = await findChromium();
  try {
    // One language whatever the machine's: under LANG=C the browser reports the locale `en-US@posix`, which the page's Intl calls refuse.
    return await chromium.launch({ executablePath: binary.executablePath, args: flags, env: { ...process.env, LANG: 'en_US.UTF-8', ...binary.env } });
  } catch (error) {
    throw new Error(`Chromium from ${binary.source} (${binary.executablePath}) did not start: ${(error as Error).message}`, { cause: error });
  }
}
