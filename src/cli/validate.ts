import { ConfigError, loadConfigFile } from '../config/load.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './usage-error.js';

export async function validateCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { config: { type: 'string', short: 'c' } }, 'validate --config FILE');
  const file = values.config;
  if (typeof file !== 'string') throw new UsageError('validate needs --config FILE');
  try {
    const cfg = loadConfigFile(file);
    const names = cfg.models.map((m) => m.name).join(', ');
    process.stdout.write(`${file}: valid (${cfg.models.length} model${cfg.models.length === 1 ? '' : 's'}: ${names})\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n${err.problems.length} problem${err.problems.length === 1 ? '' : 's'} in ${file}\n`);
      return 2;
    }
    throw err;
  }
}
