// Lint rules, including the import directions of the layout
// (see docs/architecture.md, "Layers and what each may import").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (name) => `**/${name}/**`;
const forbid = (...layers) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: layers.map((l) => ({
        group: [layer(l), `./${l}/*`, `../${l}/*`, `../../${l}/*`],
        message: `this layer may not import ${l}/ (see docs/architecture.md)`,
      })),
    },
  ],
});
const ALL = ['app', 'config', 'gateway', 'autoscaler', 'providers', 'engines', 'state', 'telemetry', 'sim', 'modelsim', 'loadtest', 'cli'];
const except = (...keep) => ALL.filter((l) => !keep.includes(l));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'loadtest/**', 'helm/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly', structuredClone: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  { files: ['src/**/*.ts'], rules: { 'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'use named exports' }] } },
  // Layer directions. core/ imports nothing of ours.
  { files: ['src/core/**'], rules: forbid(...ALL) },
  { files: ['src/config/**'], rules: forbid(...except('config')) },
  { files: ['src/telemetry/**'], rules: forbid(...except('telemetry')) },
  { files: ['src/engines/**'], rules: forbid(...except('engines')) },
  // The control plane sees core, config types and the provider/state interfaces only.
  { files: ['src/autoscaler/**'], rules: forbid(...except('autoscaler', 'config', 'providers', 'state', 'telemetry')) },
  { files: ['src/providers/**'], rules: forbid(...except('providers', 'config', 'engines', 'telemetry')) },
  { files: ['src/state/**'], rules: forbid(...except('state', 'config')) },
  { files: ['src/gateway/**'], rules: forbid(...except('gateway', 'config', 'telemetry', 'providers', 'engines')) },
  // The simulator replays the autoscaler in virtual time: no gateway, no sockets, no child processes.
  {
    files: ['src/sim/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['node:child_process', 'node:net', 'node:http', 'ioredis', 'undici'].map((name) => ({ name, message: 'the simulator runs on a virtual clock: no sockets or processes' })),
          patterns: except('sim', 'autoscaler', 'config', 'providers', 'state', 'telemetry').map((l) => ({ group: [layer(l), `../${l}/*`], message: `sim/ may not import ${l}/` })),
        },
      ],
    },
  },
  { files: ['src/modelsim/**'], rules: forbid(...except('modelsim')) },
  { files: ['src/loadtest/**'], rules: forbid(...except('loadtest')) },
  // Only the clock module touches timers and wall time.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/core/clock.ts', 'src/cli/**', 'src/modelsim/**', 'src/loadtest/**'],
    rules: {
      'no-restricted-globals': ['error', ...['setTimeout', 'setInterval'].map((name) => ({ name, message: 'use the injected Clock (src/core/clock.ts)' }))],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'use the injected Clock (src/core/clock.ts)' }],
    },
  },
);
