import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

// Past the largest body limit (8 MiB): a body this much larger is not worth reading to be polite.
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/** Reads and drops what is left of a body: true once it ended, false past `limit` bytes or if the client went away. */
function discardRest(incoming: IncomingMessage, limit: number): Promise<boolean> {
  return new Promise((resolve) => {
    let discarded = 0;
    const finish = (drained: boolean) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('close', onGone);
      incoming.off('error', onGone);
      resolve(drained);
    };
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > limit) finish(false);
    };
    const onEnd = () => finish(true);
    const onGone = () => finish(false);
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('close', onGone);
    incoming.on('error', onGone);
    incoming.resume();
  });
}

/**
 * Holds back an answer given before its request's body arrived (a 401 from
 * the headers, a 413 from Content-Length, a 429) until the rest of the body
 * has been read and dropped, up to 16 MiB. Closing a connection (as after
 * a 413, or when the client asked for it) while the client is still
 * sending makes the kernel reset it, and a client that reads only after
 * sending then sees EPIPE or ECONNRESET instead of the answer. Beyond the
 * bound the answer goes at once and the connection is closed; Node's
 * `requestTimeout` bounds how long a slow body can take.
 *
 * @example
 * registerBodyDrain(app);
 */
export function registerBodyDrain(app: FastifyInstance, limit = DRAIN_LIMIT_BYTES): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    const incoming = request.raw;
    // `complete` is Node's: the whole message was received (inject's requests have no such field, nor a socket).
    if (incoming.complete !== false || incoming.destroyed) return done(null, payload);
    void discardRest(incoming, limit).then((drained) => {
      if (!drained) reply.header('connection', 'close');
      done(null, payload);
    });
  });
}
