/**
 * Free loopback ports for replicas: the OS picks one (bind to port 0), we
 * release it and hand it to the replica. Ports handed out recently are not
 * reused, so two replicas starting together never get the same one.
 */
import { createServer } from 'node:net';

const recent: number[] = [];
const RECENT_MAX = 256;

export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.once('error', reject);
      srv.listen({ host, port: 0, exclusive: true }, () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (!recent.includes(port)) {
      recent.push(port);
      if (recent.length > RECENT_MAX) recent.shift();
      return port;
    }
  }
  throw new Error(`no free port found on ${host}`);
}
