import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** parseArgs with usage errors instead of stack traces, and --help. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, synopsis: string) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`usage: pilotlight ${synopsis}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nusage: pilotlight ${synopsis}`);
  }
}
