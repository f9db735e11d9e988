/**
 * Tracks the API listener's sockets and whether each has a request in
 * progress, so a graceful shutdown can close every connection that is not
 * serving anyone — including ones a client opened and never used, which
 * Node's own closeIdleConnections() leaves open until headersTimeout.
 * Cost note: one counter update when a request starts and one when its
 * response closes.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export class ConnectionTracker {
  private readonly busy = new Map<Socket, number>();

  constructor(server: Server) {
    server.on('connection', (s: Socket) => {
      this.busy.set(s, 0);
      s.once('close', () => this.busy.delete(s));
    });
    const busy = this.busy;
    // One listener function for every response (emitted with `this` = the response): no closure per request.
    function responseClosed(this: ServerResponse): void {
      const s = this.req.socket;
      const n = busy.get(s);
      if (n !== undefined) busy.set(s, n - 1);
    }
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const s = req.socket;
      busy.set(s, (busy.get(s) ?? 0) + 1);
      res.on('close', responseClosed);
    });
  }

  /** Destroys every connection with no request in progress; returns how many remain busy. */
  closeUnused(): number {
    let remaining = 0;
    for (const [s, n] of this.busy) {
      if (n <= 0) s.destroy();
      else remaining++;
    }
    return remaining;
  }
}
