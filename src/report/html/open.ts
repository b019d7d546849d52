import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** The platform's "open this with the default application" command. */
function opener(url: string): [string, string[]] {
  if (process.platform === 'darwin') return ['open', [url]];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  return ['xdg-open', [url]];
}

/**
 * Opens a file in the default browser, without waiting for it. A machine with no
 * browser (CI, a container) is no error: `warn` says where the file is instead.
 */
export async function openInBrowser(file: string, warn: (message: string) => void): Promise<void> {
  const [command, args] = opener(pathToFileURL(file).href);
  await new Promise<void>((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.once('error', () => {
      warn(`could not start ${command} to open a browser: open ${file} yourself`);
      resolve();
    });
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
