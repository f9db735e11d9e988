/**
 * The image the chart runs. No Docker engine is available to these tests, so
 * the Dockerfile is checked statically (stages, production-only dependencies,
 * non-root user, HEALTHCHECK, entrypoint) and against the chart (the args,
 * ports and config path it relies on), and the runtime stage's layout is
 * reproduced on disk — dist/ and config/ with only the production dependencies
 * resolvable — to show the gateway starts from it and the HEALTHCHECK command
 * works.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/gateway.js';
import { renderChart, type Manifest } from '../helpers/helm.js';

const run = promisify(execFile);

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Dockerfile -> stages of instructions (continuations joined, comments dropped). */
function parseDockerfile(text: string): { preamble: Instruction[]; stages: Stage[] } {
  const logical: string[] = [];
  let cur = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && cur === '')) continue;
    if (line.endsWith('\\')) {
      cur += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(`${cur}${line}`.trim());
    cur = '';
  }
  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  for (const l of logical.filter((x) => x !== '')) {
    const m = /^(\w+)\s+(.*)$/.exec(l);
    if (!m) throw new Error(`unparsable Dockerfile line: ${l}`);
    const ins = { op: m[1]!.toUpperCase(), args: m[2]!.replace(/\s+/g, ' ') };
    if (ins.op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      stages.push({ from: f![1]!, name: f![2], instructions: [] });
    } else if (stages.length === 0) preamble.push(ins);
    else stages.at(-1)!.instructions.push(ins);
  }
  return { preamble, stages };
}

const dockerfile = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
const ops = (s: Stage, op: string): string[] => s.instructions.filter((i) => i.op === op).map((i) => i.args);
const build = dockerfile.stages[0]!;
const runtime = dockerfile.stages.at(-1)!;

describe('Dockerfile (static: no Docker engine here to build it)', () => {
  it('is multi-stage: a build stage and a runtime stage on the same slim Node base', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(dockerfile.preamble).toEqual([{ op: 'ARG', args: 'NODE_VERSION=22' }]);
    for (const s of dockerfile.stages) expect(s.from).toBe('node:${NODE_VERSION}-bookworm-slim');
    const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('>=20.18.1'); // 22 satisfies it
  });

  it('build stage: npm ci with the lockfile, then npm run build', () => {
    const runs = ops(build, 'RUN');
    expect(ops(build, 'COPY')[0]).toBe('package.json package-lock.json ./');
    expect(runs[0]).toMatch(/^npm ci( |$)/);
    expect(runs[0]).not.toContain('--omit');
    expect(runs[1]).toMatch(/^npm run build( |$)/);
  });

  it('runtime stage: production dependencies only, dist/, config/ and dashboards/ from the build stage', () => {
    const runs = ops(runtime, 'RUN');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^npm ci --omit=dev /);
    expect(runs.join(' ')).not.toMatch(/npm (run build|install)/);
    const copies = ops(runtime, 'COPY');
    expect(copies).toEqual([
      'package.json package-lock.json ./',
      '--from=build /app/dist ./dist',
      '--from=build /app/config ./config',
      '--from=build /app/dashboards ./dashboards',
      '--from=build /app/LICENSE ./LICENSE',
    ]);
    expect(ops(runtime, 'ENV')).toContain('NODE_ENV=production');
  });

  it('runs as the unprivileged node user, exposes 8080 and 9090, health-checks /healthz with node', () => {
    expect(ops(runtime, 'USER')).toEqual(['node']);
    expect(runtime.instructions.findLast((i) => i.op === 'USER')!.args).not.toMatch(/^(root|0)(:|$)/);
    expect(ops(runtime, 'EXPOSE')).toEqual(['8080 9090']);
    const hc = ops(runtime, 'HEALTHCHECK');
    expect(hc).toHaveLength(1);
    expect(hc[0]).toMatch(/CMD \["node", "-e", ".*http:\/\/127\.0\.0\.1:9090\/healthz.*"\]$/);
    expect(hc[0]).not.toMatch(/curl|wget/);
  });

  it('ENTRYPOINT node dist/cli/main.js, CMD serve --config /etc/pilotlight/pilotlight.yaml', () => {
    expect(ops(runtime, 'ENTRYPOINT')).toEqual(['["node", "dist/cli/main.js"]']);
    expect(ops(runtime, 'CMD')).toEqual(['["serve", "--config", "/etc/pilotlight/pilotlight.yaml"]']);
  });

  it('carries OCI labels', () => {
    const labels = ops(runtime, 'LABEL').join(' ');
    for (const key of ['title', 'description', 'source', 'licenses', 'version', 'revision']) expect(labels).toContain(`org.opencontainers.image.${key}=`);
    const license = (JSON.parse(readFileSync('package.json', 'utf8')) as { license: string }).license;
    expect(labels).toContain(`org.opencontainers.image.licenses="${license}"`);
  });

  it('.dockerignore lets in only what the build copies', () => {
    const lines = readFileSync('.dockerignore', 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(lines[0]).toBe('**');
    expect(lines.slice(1).sort()).toEqual(['!LICENSE', '!config', '!dashboards', '!package-lock.json', '!package.json', '!src', '!tsconfig.build.json', '!tsconfig.json']);
  });
});

describe('the chart runs the image as the Dockerfile defines it', () => {
  const ms: Manifest[] = renderChart();
  const gateway = ms.find((m) => m.kind === 'Deployment' && m.metadata.labels?.['app.kubernetes.io/component'] === 'gateway')!;
  const pod = (gateway.spec as { template: { spec: { securityContext: { runAsUser: number }; containers: { args: string[]; command?: string[]; ports: { containerPort: number }[] }[] } } }).template.spec;

  it('args = the image CMD (the ENTRYPOINT is kept), ports = EXPOSE, uid = the node user', () => {
    const c = pod.containers[0]!;
    expect(c.command).toBeUndefined();
    expect(JSON.stringify(c.args).replace(/,/g, ', ')).toBe(ops(runtime, 'CMD')[0]);
    expect(c.ports.map((p) => p.containerPort).join(' ')).toBe(ops(runtime, 'EXPOSE')[0]);
    expect(pod.securityContext.runAsUser).toBe(1000); // `node` in the official node images
  });

  it('the chart appVersion (default image tag) is the package version', () => {
    const chart = readFileSync('helm/pilotlight/Chart.yaml', 'utf8');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(chart).toMatch(new RegExp(`^appVersion: "${pkg.version.replace(/\./g, '\\.')}"$`, 'm'));
  });
});

describe('the runtime stage, reproduced on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-image-'));
  let proc: ChildProcess | undefined;
  afterAll(() => {
    proc?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** /app as `npm ci --omit=dev` + the COPY lines would leave it: production packages only are resolvable. */
  function layout(): string {
    const app = join(dir, 'app');
    for (const p of ['package.json', 'dist', 'config', 'LICENSE']) cpSync(p, join(app, p), { recursive: true });
    const root = resolve('node_modules');
    const prod = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { encoding: 'utf8' })
      .split('\n')
      .filter((p) => p.startsWith(`${root}/`))
      .map((p) => relative(root, p))
      .filter((p) => !p.includes('/node_modules/')); // top level only; nested ones resolve from their parent
    expect(prod).toEqual(expect.arrayContaining(['yaml', 'zod', 'ioredis', 'undici', 'pino', 'prom-client', '@kubernetes/client-node']));
    expect(prod).not.toContain('kubernetes-models');
    expect(prod).not.toContain('vitest');
    for (const p of prod) {
      mkdirSync(dirname(join(app, 'node_modules', p)), { recursive: true });
      symlinkSync(join(root, p), join(app, 'node_modules', p), 'dir');
    }
    return app;
  }

  it('starts the gateway from dist/ with production dependencies only, and the HEALTHCHECK command passes', async () => {
    const app = layout();
    const cfg = join(dir, 'pilotlight.yaml');
    writeFileSync(cfg, 'models:\n  - name: m\n    provider: { type: static, endpoints: ["http://127.0.0.1:9"] }\n');
    const { stdout } = await run(process.execPath, ['dist/cli/main.js', 'validate', '--config', cfg], { cwd: app });
    expect(stdout).toContain('valid (1 model: m)');
    proc = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--config', cfg, '--port', '0', '--admin-port', '0'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const admin = await eventually(() => /"admin":"(http:[^"]+)"/.exec(out)?.[1], 'serve to print its URLs');
    const port = new URL(admin).port;

    // The HEALTHCHECK's node one-liner, pointed at this admin port instead of 9090.
    const hc = ops(runtime, 'HEALTHCHECK')[0]!;
    const argv = JSON.parse(hc.slice(hc.indexOf('CMD ') + 4)) as string[];
    const script = argv[2]!.replace('127.0.0.1:9090', `127.0.0.1:${port}`);
    await expect(run(process.execPath, ['-e', script])).resolves.toBeDefined();
    // ... and it fails on an unhealthy answer.
    const sick = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((ok) => sick.listen(0, '127.0.0.1', ok));
    try {
      const sickScript = argv[2]!.replace('127.0.0.1:9090', `127.0.0.1:${(sick.address() as AddressInfo).port}`);
      await expect(run(process.execPath, ['-e', sickScript])).rejects.toMatchObject({ code: 1 });
    } finally {
      sick.close();
    }
  });
});
