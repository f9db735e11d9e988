/** The table of commands. Each is loaded lazily so `modelsim` starts fast. */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'serve --config FILE [--port N] [--admin-port N]   run the gateway',
    run: async (argv) => (await import('./serve.js')).serveCommand(argv),
  },
  validate: {
    summary: 'validate --config FILE                          check a config (exit 0 valid, 2 invalid)',
    run: async (argv) => (await import('./validate.js')).validateCommand(argv),
  },
  schema: {
    summary: 'schema [--markdown]                             print the config JSON Schema (or its Markdown reference)',
    run: async (argv) => (await import('./schema.js')).schemaCommand(argv),
  },
  simulate: {
    summary: 'simulate --trace FILE [--policies a,b] [--json] [--html FILE]   replay a trace against scaling policies',
    run: async (argv) => (await import('./simulate.js')).simulateCommand(argv),
  },
  loadtest: {
    summary: 'loadtest --curve FILE --target URL [--html FILE]   drive a gateway with a traffic curve',
    run: async (argv) => (await import('./loadtest.js')).loadtestCommand(argv),
  },
  modelsim: {
    summary: 'modelsim --port N [--profile P] [--time-scale X] ...   a vLLM-compatible model-server simulator',
    run: async (argv) => (await import('../modelsim/cli.js')).modelsimCommand(argv),
  },
};

export function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  pilotlight ${c.summary}`);
  return `usage:\n${lines.join('\n')}\n\nRun "pilotlight <command> --help" for a command's options.\n`;
}
