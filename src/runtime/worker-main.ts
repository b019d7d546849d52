/**
 * A worker process's entry (dist/runtime/worker-main.js, spawned by the supervisor with
 * an IPC channel): reads its configuration from BOOKSIM_WORKER_CONFIG and runs the
 * worker with the real handlers. The only runtime file that imports src/functions'
 * registry and resources, so the pollers stay independent of the system under test.
 * SIGTERM (or the parent going away) stops it cleanly: exit 0 after in-flight work;
 * SIGKILL is a real crash, SIGSTOP a hang. The parent's `configure` messages change its
 * faults while it runs.
 */
import { functionRegistry } from '../functions/registry.js';
import { resolveResources } from '../functions/resources.js';
import { runWorker } from './worker.js';
import { failureText, readWorkerConfig, workerFailureOf, type ParentMessage, type WorkerMessage, type WorkerSettings } from './worker-messages.js';

const controller = new AbortController();
process.once('SIGTERM', () => controller.abort());
// Ctrl-C in a terminal reaches the whole process group: the storm decides what stops, and tells its workers with SIGTERM.
process.on('SIGINT', () => undefined);
// An orphaned worker would poll forever; the IPC channel closing means the parent is gone.
process.once('disconnect', () => controller.abort());

const send = (message: WorkerMessage) => {
  if (process.connected) process.send?.(message);
};
const onSettings = (listener: (settings: WorkerSettings) => void) => {
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'configure') listener(message.settings);
  });
};

try {
  await runWorker(readWorkerConfig(process.env), { registry: functionRegistry, resolveResources, send, onSettings }, controller.signal);
  process.exitCode = 0;
} catch (error) {
  const failure = workerFailureOf(error);
  if (failure) send({ type: 'failed', failure });
  // Goes to the supervisor, which keeps the tail of a worker's stderr for its exit event: one line for a failure the worker can name, the stack trace of a bug.
  process.stderr.write(`${failure ? failureText(failure) : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
// IPC messages go out in order: once an empty one is flushed, every report before it is too.
if (process.connected) await new Promise<void>((resolve) => process.send!({ type: 'flush' }, () => resolve()));
// Handlers abandoned by a bounded drain may still hold the event loop; the worker is done.
process.exit();
