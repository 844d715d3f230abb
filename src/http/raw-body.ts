import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

/**
 * Reads a request's body bytes in a `preParsing` hook, within the route's
 * body limit (413 beyond it, as Fastify's own reading answers), so that a
 * check on the exact bytes can answer before the media type or the JSON is
 * looked at. Returns the bytes, and a stream of them for the body parser.
 *
 * @example
 * preParsing: async (request, reply, payload) => {
 *   const { bytes, stream } = await readRawBody(request, reply, payload);
 *   if (!signedBy(bytes, request)) throw ApiError.unauthorized('bad signature');
 *   return stream;
 * }
 */
export async function readRawBody(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: Readable,
): Promise<{ bytes: Buffer; stream: Readable }> {
  const limit = request.routeOptions.bodyLimit;
  const tooLarge = () => {
    // The rest of the body may still be on its way: the connection cannot be reused.
    reply.header('connection', 'close');
    return ApiError.payloadTooLarge('the body is larger than this endpoint accepts');
  };
  if (Number(request.headers['content-length']) > limit) throw tooLarge();
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const stop = () => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      length += buffer.length;
      if (length > limit) {
        stop();
        reject(tooLarge());
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, length));
    };
    const onError = () => {
      stop();
      reject(ApiError.badRequest('the body could not be read to its end'));
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
  return { bytes, stream: Readable.from(bytes.length === 0 ? [] : [bytes]) };
}
