import { createServer } from 'node:http';

// The baseline: a bare node:http server answering the same bytes as the
// service, on the same machine. argv: port, body.
const [port, body] = process.argv.slice(2);
const payload = Buffer.from(body ?? '{}');
createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': payload.length });
    response.end(payload);
  });
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
