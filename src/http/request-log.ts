import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One log line per answered request (at `info`), instead of Fastify's two
 * (one on arrival, one on completion): what an operator reads to follow
 * traffic and errors, at half the cost (`BENCHMARKS.md` measures it). The
 * path is logged without its query string, which may carry values nobody
 * should find in a log. Fastify's other log lines (errors, unknown routes)
 * stay as they are.
 */
export class OneLineRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const query = request.url.indexOf('?');
    const line = {
      method: request.method,
      path: query === -1 ? request.url : request.url.slice(0, query),
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request failed');
    else reply.log.info(line, 'request');
  }
}
