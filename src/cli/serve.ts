/**
 * `pilotlight serve --config FILE [--port N] [--admin-port N]`: runs the
 * gateway until SIGINT/SIGTERM, then shuts down gracefully (a second signal
 * exits at once).
 */
import pino from 'pino';
import { startGateway } from '../app.js';
import { ConfigError } from '../config/errors.js';
import { loadConfigFileIsolated } from '../config/load-isolated.js';
import type { Logger } from '../core/logger.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './usage-error.js';

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { config: { type: 'string', short: 'c' }, port: { type: 'string', short: 'p' }, 'admin-port': { type: 'string' } },
    'serve --config FILE [--port N] [--admin-port N]',
  );
  if (typeof values.config !== 'string') throw new UsageError('serve needs --config FILE (try config/local.yaml)');
  const port = portArg(values.port, '--port');
  const adminPort = portArg(values['admin-port'], '--admin-port');
  let config;
  try {
    config = await loadConfigFileIsolated(values.config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const logger = pino({ level: config.logging.level, base: undefined }) as unknown as Logger;
  const gw = await startGateway(config, { logger, ...(port !== undefined && { port }), ...(adminPort !== undefined && { adminPort }) });
  logger.info(
    { api: gw.apiUrl, admin: gw.adminUrl, models: config.models.map((m) => m.name) },
    `pilotlight serving the OpenAI API on ${gw.apiUrl}/v1 (metrics on ${gw.adminUrl}/metrics)`,
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (sig: string): void => {
      if (stopping) {
        logger.warn({ signal: sig }, 'second signal: exiting now');
        process.exit(130);
      }
      stopping = true;
      logger.info({ signal: sig }, 'shutting down: finishing in-flight requests and stopping replicas');
      gw.close().then(resolve, (err: unknown) => {
        logger.error({ err: String(err) }, 'error during shutdown');
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return 0;
}

function portArg(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} must be a port number (0-65535), got "${String(v)}"`);
  return n;
}
