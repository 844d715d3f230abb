import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

/**
 * A body read whole before the parser (by `readRawBody`): the JSON parser
 * takes its bytes as they are instead of reading them again into a copy.
 */
class ReadBody extends Readable {
  constructor(readonly bytes: Buffer) {
    super();
    if (bytes.length > 0) this.push(bytes);
    this.push(null);
  }

  override _read(): void {}
}

const tooLarge = (): ApiError => ApiError.payloadTooLarge('the body is larger than this endpoint accepts');

/**
 * A request's body bytes, within the route's body limit (413 beyond it, as
 * Fastify's own reading answers). One copy at most: a body that came in one
 * chunk (the HTTP parser's own copy of the socket's bytes) is that chunk.
 *
 * @example
 * const bytes = await readBody(request, payload);
 */
export async function readBody(request: FastifyRequest, payload: Readable): Promise<Buffer> {
  if (payload instanceof ReadBody) return payload.bytes;
  const limit = request.routeOptions.bodyLimit;
  if (Number(request.headers['content-length']) > limit) throw tooLarge();
  return new Promise<Buffer>((resolve, reject) => {
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
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length));
    };
    const onError = () => {
      stop();
      reject(ApiError.badRequest('the body could not be read to its end'));
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}

/**
 * Reads a request's body bytes in a `preParsing` hook (see `readBody`), so
 * that a check on the exact bytes can answer before the media type or the
 * JSON is looked at. Returns the bytes, and a stream of them for the body
 * parser, which takes them without another copy.
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
  try {
    const bytes = await readBody(request, payload);
    return { bytes, stream: new ReadBody(bytes) };
  } catch (error) {
    // The rest of the body may still be on its way: the connection cannot be reused.
    if (error instanceof ApiError && error.statusCode === 413) reply.header('connection', 'close');
    throw error;
  }
}
