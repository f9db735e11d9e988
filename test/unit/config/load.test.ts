import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem, loadConfigFile, parseConfig } from '../../../src/config/load.js';
import { configReferenceMarkdown } from '../../../src/config/reference.js';
import { configJsonSchema } from '../../../src/config/schema.js';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'cfg.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('expected the config to be invalid');
}

describe('config loader', () => {
  it('fills every default and decodes durations and sizes', () => {
    const c = parseConfig('models: [{ name: llama }]');
    const m = c.models[0]!;
    expect(m.scaling).toMatchObject({ minReplicas: 0, maxReplicas: 1, targetConcurrency: 8, maxConcurrencyPerReplica: 16, scaledownWindow: 300_000, stableWindow: 60_000, panicWindow: 6_000, panicThreshold: 2 });
    expect(m.queue).toEqual({ maxPending: 1000, timeout: 600_000 });
    expect(m.servedModelName).toBe('llama');
    expect(m.provider.type).toBe('local');
    expect(c.server.maxBodySize).toBe(4 * 1024 * 1024);
    expect(Object.isFrozen(c.models[0])).toBe(true);
  });

  it('reports every problem at once as FILE:LINE:COL path: message', () => {
    const yaml = [
      'server:', //                          1
      '  port: 8080', //                     2
      '  adminPort: 8080', //                3
      'modles: 1', //                        4
      'models:', //                          5
      '  - name: llama', //                  6
      '    scaling:', //                     7
      '      minReplicas: 3', //             8
      '      maxReplicas: 2', //             9
      '      targetConcurency: 4', //       10
      '      scaledownWindow: 5 minutes', //11
      '    provider:', //                   12
      '      type: local', //               13
      '      startupTimeout: 10', //        14
      '  - name: llama', //                 15
      '    provider: { type: k8s }', //     16
      '    queue: { maxPending: -1 }', //   17
    ].join('\n');
    expect(problems(yaml)).toEqual([
      'cfg.yaml:3:14 server.adminPort: adminPort 8080 is the same as port; the API and admin listeners need different ports',
      'cfg.yaml:4:1 modles: unknown key "modles" (did you mean "models"?)',
      'cfg.yaml:8:20 models[0].scaling.minReplicas: minReplicas (3) is greater than maxReplicas (2)',
      'cfg.yaml:10:7 models[0].scaling.targetConcurency: unknown key "targetConcurency" (did you mean "targetConcurrency"?)',
      'cfg.yaml:11:24 models[0].scaling.scaledownWindow: expected a duration such as "500ms", "30s", "5m" or "1h30m"',
      'cfg.yaml:14:23 models[0].provider.startupTimeout: expected a duration string such as "30s" or "5m" (a bare number has no unit)',
      'cfg.yaml:15:11 models[1].name: "llama" is already used by model llama',
      'cfg.yaml:16:23 models[1].provider.type: unknown provider type "k8s"; expected one of: local, static, kubernetes',
      'cfg.yaml:17:26 models[1].queue.maxPending: Too small: expected number to be >=0',
    ]);
  });

  it('rejects YAML syntax errors and duplicate keys with positions', () => {
    expect(problems('models:\n  - name: a\n    name: b\n')[0]).toMatch(/^cfg\.yaml:3:5 Map keys must be unique/);
    expect(problems('models: [\n')[0]).toMatch(/^cfg\.yaml:2:1 /);
  });

  it('requires models and points at the root when missing', () => {
    expect(problems('server: { port: 1 }')).toEqual(['cfg.yaml:1:1 models: is required (expected array)']);
  });

  it('checks contradictions: GPUs per replica beyond the inventory, cap below target, panic window longer than stable', () => {
    const p = problems(`
gpus: { devices: [0, 1] }
models:
  - name: big
    gpusPerReplica: 4
    scaling: { targetConcurrency: 10, maxConcurrencyPerReplica: 5, panicWindow: 2m }
`);
    expect(p).toEqual([
      'cfg.yaml:5:21 models[0].gpusPerReplica: gpusPerReplica (4) exceeds the 2 GPUs listed in gpus.devices; no replica could ever start',
      'cfg.yaml:6:65 models[0].scaling.maxConcurrencyPerReplica: maxConcurrencyPerReplica (5) is below targetConcurrency (10); replicas could never reach the target',
      'cfg.yaml:6:81 models[0].scaling.panicWindow: panicWindow is longer than stableWindow; the panic window must be the shorter one',
    ]);
  });

  it('requires the Redis scaling lease to outlast two publish rounds (it is renewed once per round)', () => {
    const models = 'models: [{ name: a }]\n';
    expect(problems(`state:\n  type: redis\n  leaseDuration: 2s\n  publishInterval: 10s\n${models}`)).toEqual([
      'cfg.yaml:3:18 state.leaseDuration: leaseDuration (2s) must be more than twice publishInterval (10s): the lease is renewed once per publishInterval, so a shorter one lapses after a single slow or missed round and scaling changes hands',
    ]);
    expect(problems(`state: { type: redis, leaseDuration: 2s, publishInterval: 1s }\n${models}`)).toEqual([
      'cfg.yaml:1:38 state.leaseDuration: leaseDuration (2s) must be more than twice publishInterval (1s): the lease is renewed once per publishInterval, so a shorter one lapses after a single slow or missed round and scaling changes hands',
    ]);
    // The default lease (10s) with a slow publishInterval: reported where the user wrote something.
    expect(problems(`state: { type: redis, publishInterval: 5s }\n${models}`)).toEqual([
      'cfg.yaml:1:40 state.leaseDuration: leaseDuration (10s) must be more than twice publishInterval (5s): the lease is renewed once per publishInterval, so a shorter one lapses after a single slow or missed round and scaling changes hands',
    ]);
    const ok = parseConfig(`state: { type: redis, leaseDuration: 2001ms, publishInterval: 1s }\n${models}`, 'cfg.yaml').state;
    expect(ok).toMatchObject({ type: 'redis', leaseDuration: 2001, publishInterval: 1000 });
    expect(parseConfig(`state: { type: redis }\n${models}`, 'cfg.yaml').state).toMatchObject({ leaseDuration: 10_000, publishInterval: 1000 });
  });

  it('does not report a contradiction caused by a value it had to replace', () => {
    // maxReplicas is invalid; its default (1) must not produce a second, misleading error about minReplicas.
    expect(problems('models: [{ name: a, scaling: { minReplicas: 3, maxReplicas: "x" } }]')).toEqual([
      'cfg.yaml:1:61 models[0].scaling.maxReplicas: Invalid input: expected number, received string',
    ]);
  });

  it('names a missing file', () => {
    expect(() => loadConfigFile('/nonexistent/p.yaml')).toThrow('/nonexistent/p.yaml:1:1 cannot read config: no such file');
  });

  it('accepts the shipped configs', () => {
    expect(loadConfigFile('config/local.yaml').models.map((m) => m.name)).toEqual(['llama-3.3-70b', 'llama-3.1-8b']);
    expect(loadConfigFile('config/vllm-gpu.example.yaml').models[0]?.provider.type).toBe('local');
  });

  it('keeps the published JSON Schema and the config reference in sync with the schema', () => {
    expect(JSON.parse(readFileSync('config/pilotlight.schema.json', 'utf8'))).toEqual(configJsonSchema());
    expect(readFileSync('docs/config.md', 'utf8')).toBe(configReferenceMarkdown());
  });
});
