import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { cliClient } from '../cli/cli-client.js';
import type { DemoAccount } from './demo-setup.js';

/** A webhook the demo's receiver took in, its signature checked. */
export interface ReceivedAlert {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** The demo's alerting: a local receiver, and the channel and rule that point at it. */
export interface DemoAlerts {
  /** Where the receiver listens, e.g. `http://127.0.0.1:41234/hooks/flashback`. */
  receiverUrl: string;
  channelId: string;
  ruleId: string;
  /** Every verified webhook, in arrival order. */
  received: ReceivedAlert[];
  /** Requests whose signature did not verify (answered 401). */
  refused: number;
  close(): Promise<void>;
}

/** How the receiver says an alert, one line. */
function describe(alert: ReceivedAlert): string {
  const d = alert.data;
  const where = [d.host, d.region].filter((part) => typeof part === 'string').join(' in ');
  const since = typeof d.since === 'string' ? ` since ${d.since}` : '';
  const down = typeof d.downMs === 'number' ? ` (down ${Math.round(d.downMs / 1000)} s)` : '';
  const bucket = typeof d.bucketName === 'string' ? d.bucketName : '?';
  return `webhook ${alert.type}: ${where || 'no node'} on ${bucket}${since}${down} [verified, ${alert.id}]`;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Starts a webhook receiver on the loopback that verifies each delivery
 * with the `standardwebhooks` library (the receiver a user would write) and
 * prints it; then, as the demo user (the workspace's ADMIN), makes a
 * webhook channel to it and a rule sending `node.down` and `node.up` of the
 * first bucket, with a hold-down of `forSeconds`: the flapping node's four
 * minutes OFFLINE come through, a single lost report does not.
 *
 * @example
 * const alerts = await startDemoAlerts(url, account, 60, console.log);
 * console.log(alerts.receiverUrl);
 */
export async function startDemoAlerts(
  baseUrl: string,
  account: DemoAccount,
  forSeconds: number,
  log: (line: string) => void,
): Promise<DemoAlerts> {
  let verifier: Webhook | undefined;
  const received: ReceivedAlert[] = [];
  const state = { refused: 0 };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    readBody(request).then(
      (body) => {
        try {
          if (!verifier) throw new Error('no secret yet');
          const event = verifier.verify(body, request.headers as Record<string, string>) as ReceivedAlert;
          const alert = { id: event.id, type: event.type, data: event.data };
          received.push(alert);
          log(describe(alert));
          response.writeHead(204).end();
        } catch {
          state.refused++;
          response.writeHead(401).end();
        }
      },
      () => response.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/flashback`;
  const close = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    const member = cliClient(baseUrl);
    member.setAuthToken(account.token);
    const { channel, secret } = await member.createAlertChannel(account.workspaceId, {
      name: 'demo receiver',
      kind: 'webhook',
      url: receiverUrl,
    });
    if (!secret) throw new Error('the webhook channel came without its signing secret');
    verifier = new Webhook(secret);
    const bucket = account.buckets[0];
    const { rule } = await member.createAlertRule(account.workspaceId, {
      name: 'nodes down and back',
      events: ['node.down', 'node.up'],
      channelIds: [channel.id],
      ...(bucket && { bucketIds: [bucket.id] }),
      forSeconds,
    });
    return {
      receiverUrl,
      channelId: channel.id,
      ruleId: rule.id,
      received,
      get refused() {
        return state.refused;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
