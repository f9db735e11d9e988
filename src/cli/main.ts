#!/usr/bin/env node
/**
 * pilotlight's command line. Each command lives in its own file; this one
 * only dispatches, and is one of the two places (with the HTTP error handler)
 * where unknown thrown values are turned into a message.
 */
import { describeError } from '../core/errors.js';
import { COMMANDS, usage } from './commands.js';
import { UsageError } from './usage-error.js';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { VERSION } = await import('./version.js');
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`pilotlight: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined && code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`pilotlight: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`pilotlight: ${describeError(err)}\n`);
    process.exitCode = 1;
  },
);
