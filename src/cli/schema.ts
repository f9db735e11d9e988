import { configReferenceMarkdown } from '../config/reference.js';
import { configJsonSchema } from '../config/schema.js';

/** `pilotlight schema [--markdown]`: the JSON Schema of the config, or its reference as Markdown. */
export async function schemaCommand(argv: string[] = []): Promise<number> {
  if (argv.includes('--markdown')) process.stdout.write(configReferenceMarkdown());
  else process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return 0;
}
