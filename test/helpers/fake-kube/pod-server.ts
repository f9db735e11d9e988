/**
 * What listens at a fake pod's IP: a tiny HTTP server on 127.0.0.N:port
 * (all of 127.0.0.0/8 is loopback on Linux) answering GET /health with a
 * settable status, so the provider's health GET is a real request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PodServer {
  readonly ip: string;
  readonly port: number;
  /** Health GETs answered so far. */
  readonly healthChecks: number;
  healthStatus: number;
  close(): Promise<void>;
}

export async function startPodServer(ip: string, port = 0): Promise<PodServer> {
  let checks = 0;
  const state = { healthStatus: 200 };
  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      checks++;
      res.writeHead(state.healthStatus).end();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    ip,
    port: bound,
    get healthChecks() {
      return checks;
    },
    get healthStatus() {
      return state.healthStatus;
    },
    set healthStatus(s: number) {
      state.healthStatus = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** n pod servers on 127.0.0.(base+i), all on one port (as pods of one workload share a container port). */
export async function startPodServers(n: number, base = 20): Promise<PodServer[]> {
  const first = await startPodServer(`127.0.0.${base}`);
  const rest: PodServer[] = [];
  for (let i = 1; i < n; i++) rest.push(await startPodServer(`127.0.0.${base + i}`, first.port));
  return [first, ...rest];
}
