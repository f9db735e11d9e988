/**
 * Tracks the API listener's sockets and whether each has a request in
 * progress, so a graceful shutdown can close every connection that is not
 * serving anyone — including ones a client opened and never used, which
 * Node's own closeIdleConnections() leaves open until headersTimeout.
 * Cost note: one counter update when a request starts and one when its
 * response closes.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export class ConnectionTracker {
  private readonly busy = new Map<Socket, number>();

  constructor(server: Server) {
    server.on('connection', (s: Socket) => {
      this.busy.set(s, 0);
      s.once('close', () => this.busy.delete(s));
    });
    server.on('request', (req, res) => {
      const s = req.socket;
      this.busy.set(s, (this.busy.get(s) ?? 0) + 1);
      res.once('close', () => {
        const n = this.busy.get(s);
        if (n !== undefined) this.busy.set(s, n - 1);
      });
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
