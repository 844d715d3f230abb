import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One webhook that arrived and whose signature held. */
export interface ArrivedWebhook {
  id: string;
  timestamp: number;
  body: { type: string; id: string; timestamp: string; data: Record<string, unknown> };
  arrivedAt: number;
}

/** How the receiver answers the next requests: a status, or no answer at all (`hang`). */
export type ReceiverMode = number | 'hang';

/**
 * A real HTTP receiver for webhook channels: verifies every request with the
 * `standardwebhooks` library (a bad signature is answered 401 and counted),
 * records what arrives, and answers as the test says.
 *
 * @example
 * const receiver = await WebhookReceiver.start(); receiver.secret = created.secret;
 */
export class WebhookReceiver {
  secret = '';
  mode: ReceiverMode = 200;
  readonly arrived: ArrivedWebhook[] = [];
  /** Requests of any outcome, in order: what the receiver answered each. */
  readonly requests: Array<{ id: string | undefined; answered: ReceiverMode }> = [];
  badSignatures = 0;
  private readonly waiters: Array<() => void> = [];

  private constructor(private readonly server: Server) {}

  static async start(port = 0): Promise<WebhookReceiver> {
    const holder: { receiver?: WebhookReceiver } = {};
    const server = createServer((request, response) => holder.receiver?.handle(request, response));
    const receiver = new WebhookReceiver(server);
    holder.receiver = receiver;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/flashback`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const mode = this.mode;
      const id = request.headers['webhook-id'] as string | undefined;
      this.requests.push({ id, answered: mode });
      if (mode === 'hang') return;
      const text = Buffer.concat(chunks).toString('utf8');
      let body: ArrivedWebhook['body'];
      try {
        // Without a secret (Slack, Discord): the body as it came.
        body = (
          this.secret === '' ? JSON.parse(text) : new Webhook(this.secret).verify(text, request.headers as Record<string, string>)
        ) as ArrivedWebhook['body'];
      } catch {
        this.badSignatures++;
        response.writeHead(401).end();
        return;
      }
      if (mode >= 200 && mode < 300) {
        this.arrived.push({ id: id ?? '', timestamp: Number(request.headers['webhook-timestamp']), body, arrivedAt: Date.now() });
        for (const wake of this.waiters.splice(0)) wake();
      }
      response.writeHead(mode, { 'content-type': 'application/json' }).end('{}');
    });
  }

  /** Resolves once `count` webhooks have arrived, or rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ArrivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.arrived.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`waited ${timeoutMs} ms for ${count} webhooks, ${this.arrived.length} arrived`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.arrived;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
