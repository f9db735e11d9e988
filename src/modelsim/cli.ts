/**
 * `pilotlight modelsim`: runs one simulated vLLM server until SIGTERM/SIGINT.
 *
 * stdout gets two parseable lines, for whoever started us:
 *   modelsim: url=http://127.0.0.1:41234 model=NAME profile=P state=loading
 *   modelsim: url=http://127.0.0.1:41234 state=ready
 * stderr gets logs and, with --fail-startup, vLLM's fatal error.
 *
 * Exit codes: 0 after a graceful stop (or when PILOTLIGHT_PARENT_PID is
 * gone), 1 when start-up fails, 2 for bad flags, 137 for an injected crash.
 */
import { parseModelsimArgs, USAGE } from './cli-args.js';
import { startModelsim, type ModelsimHandle } from './server.js';

const PARENT_POLL_MS = 1000;

export async function modelsimCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseModelsimArgs(argv);
  } catch (err) {
    process.stderr.write(`pilotlight modelsim: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  if (parsed.ignored.length > 0) log(`modelsim: accepted and ignored vLLM flags: ${[...new Set(parsed.ignored)].join(' ')}`);
  let handle: ModelsimHandle;
  try {
    handle = await startModelsim({ ...parsed.options, log, onCrash: () => process.exit(137) });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`modelsim: url=${handle.url} model=${handle.servedModelNames.join(',')} profile=${handle.profile.name} state=loading\n`);
  return run(handle, log);
}

function run(handle: ModelsimHandle, log: (line: string) => void): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const cleanups: Array<() => void> = [];
    const finish = (code: number): void => {
      for (const c of cleanups) c();
      resolve(code);
    };
    const stop = (why: string): void => {
      if (stopping) {
        log(`modelsim: ${why} again, exiting now`);
        process.exit(1);
      }
      stopping = true;
      // close() stops listening synchronously; log after it so "draining" means "no new connections".
      const closing = handle.close();
      log(`modelsim: ${why}, draining in-flight requests`);
      void closing.then(() => finish(0));
    };
    handle.ready.then(
      () => void process.stdout.write(`modelsim: url=${handle.url} state=ready\n`),
      (err: Error) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`${err.message}\n`);
        void handle.close().then(() => finish(1));
      },
    );
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const on = (): void => stop(`received ${signal}`);
      process.on(signal, on);
      cleanups.push(() => process.off(signal, on));
    }
    cleanups.push(watchParent(process.env.PILOTLIGHT_PARENT_PID, log));
  });
}

/** Exits when the given process no longer exists, so replicas never outlive their gateway. */
function watchParent(pidText: string | undefined, log: (line: string) => void): () => void {
  const pid = Number(pidText);
  if (!pidText || !Number.isInteger(pid) || pid <= 0) return () => undefined;
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') return; // EPERM: alive, not ours
      log(`modelsim: parent process ${pid} is gone, exiting`);
      process.exit(0);
    }
  }, PARENT_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
