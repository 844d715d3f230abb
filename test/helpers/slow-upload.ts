import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** One request with a large body, sent over its own connection. */
export interface Upload {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Body bytes to send (all `x`). */
  size: number;
  /** Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
  /** Ask for `Connection: close` (as a client without keep-alive does). */
  close?: boolean;
}

/** What the client saw: the status of a complete answer, or the error that cut the exchange. */
export interface UploadOutcome {
  status?: number;
  body?: string;
  /** The socket error (EPIPE, ECONNRESET) or early close that came before the whole answer was read. */
  error?: string;
  /** Body bytes written before the answer was complete or the exchange was cut. */
  sent: number;
}

const CHUNK = 64 * 1024;

/** The status and body of the first complete answer in `data`, if there is one. */
function completeAnswer(data: Buffer): { status: number; body: string } | undefined {
  const text = data.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = text.slice(0, end);
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
  if (length === undefined) throw new Error(`an answer without Content-Length: ${JSON.stringify(head)}`);
  const body = text.slice(end + 4);
  return body.length < Number(length) ? undefined : { status, body: body.slice(0, Number(length)) };
}

/**
 * Sends a request and its whole body in 64 KiB writes 2 ms apart, as a
 * client on a real link would, and only then expects the
 * answer (the way most clients read); records a socket error or a close
 * that comes before the whole answer. Never rejects.
 *
 * @example
 * const outcome = await slowUpload(port, { method: 'POST', path: '/workspace', headers: {}, size: 3 << 20 });
 * assert.equal(outcome.error, undefined);
 */
export function slowUpload(port: number, upload: Upload): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let sent = 0;
    let settled = false;
    const settle = (outcome: Omit<UploadOutcome, 'sent'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...outcome, sent });
    };
    const timer = setTimeout(() => settle({ error: 'no complete answer within 30 s' }), 30_000);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      // The answer counts once the client has sent all it meant to: that is when it would read it.
      if (sent === upload.size) {
        const answer = completeAnswer(data);
        if (answer) settle(answer);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => settle({ error: error.code ?? error.message }));
    socket.on('close', () => settle({ error: 'the connection closed before a complete answer' }));
    const head = [
      `${upload.method} ${upload.path} HTTP/1.1`,
      'Host: localhost',
      'Content-Type: application/json',
      upload.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${upload.size}`,
      ...(upload.close ? ['Connection: close'] : []),
      ...Object.entries(upload.headers).map(([name, value]) => `${name}: ${value}`),
    ];
    const bytes = Buffer.alloc(CHUNK, 'x');
    const send = async () => {
      socket.write(`${head.join('\r\n')}\r\n\r\n`);
      while (sent < upload.size && !settled) {
        const piece = bytes.subarray(0, Math.min(CHUNK, upload.size - sent));
        const framed = upload.chunked ? [Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')] : [piece];
        const flushed = framed.map((part) => socket.write(part)).every(Boolean);
        sent += piece.length;
        if (!flushed) await new Promise((next) => socket.once('drain', next));
        // About 30 MB/s: slow enough that the service answers an early refusal while the body is on its way.
        await delay(2);
      }
      if (upload.chunked && !settled) socket.write('0\r\n\r\n');
      const answer = completeAnswer(data);
      if (answer) settle(answer);
    };
    socket.once('connect', () => void send());
  });
}
