import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { Webhook } from 'standardwebhooks';
import type { AlertSettings } from '../config/config.js';
import type { AlertChannelRecord } from '../store/alert-rule-store.js';
import { alertSentence, type AlertPayload } from './alert-payload.js';
import { postJson } from './http-post.js';

/** What one try got: the receiver's HTTP status (none for email), or why it failed. */
export interface SendResult {
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
}

/**
 * Sends one event to one channel, once: a webhook signed with the Standard
 * Webhooks scheme (the event id as `webhook-id`, this try's instant as
 * `webhook-timestamp`), Slack's `{text}`, Discord's `{content}`, or an email
 * over the SMTP server of `SMTP_URL`.
 *
 * @example
 * const result = await sender.send(channel, eventId, payloadJson, Date.now());
 */
export class ChannelSender {
  private mailer: Transporter | undefined;

  constructor(private readonly settings: AlertSettings) {}

  async send(channel: AlertChannelRecord, eventId: string, payloadJson: string, now: number): Promise<SendResult> {
    try {
      if (channel.kind === 'email') return await this.sendEmail(channel, payloadJson);
      const { body, headers } = this.request(channel, eventId, payloadJson, now);
      const status = await postJson({
        url: channel.target,
        body,
        headers,
        timeoutMs: this.settings.timeoutMs,
        allowPrivate: this.settings.allowPrivateTargets,
      });
      const ok = status >= 200 && status < 300;
      return { ok, httpStatus: status, error: ok ? null : `the receiver answered ${status}` };
    } catch (error) {
      return { ok: false, httpStatus: null, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private request(
    channel: AlertChannelRecord,
    eventId: string,
    payloadJson: string,
    now: number,
  ): { body: string; headers: Record<string, string> } {
    if (channel.kind === 'webhook') {
      const signature = new Webhook(channel.secret ?? '').sign(eventId, new Date(now), payloadJson);
      return {
        body: payloadJson,
        headers: { 'webhook-id': eventId, 'webhook-timestamp': String(Math.floor(now / 1000)), 'webhook-signature': signature },
      };
    }
    const text = alertSentence(JSON.parse(payloadJson) as AlertPayload);
    return { body: JSON.stringify(channel.kind === 'discord' ? { content: text } : { text }), headers: {} };
  }

  private async sendEmail(channel: AlertChannelRecord, payloadJson: string): Promise<SendResult> {
    if (this.settings.smtpUrl === null) return { ok: false, httpStatus: null, error: 'SMTP_URL is not set' };
    const options = {
      url: this.settings.smtpUrl,
      connectionTimeout: this.settings.timeoutMs,
      greetingTimeout: this.settings.timeoutMs,
      socketTimeout: this.settings.timeoutMs,
    };
    this.mailer ??= nodemailer.createTransport(options as SMTPTransport.Options);
    const payload = JSON.parse(payloadJson) as AlertPayload;
    const text = alertSentence(payload);
    await this.mailer.sendMail({
      from: this.settings.smtpFrom,
      to: channel.target,
      subject: text.split(': ')[0] + `: ${payload.type} ${payload.data.bucketName ?? ''}`.trimEnd(),
      text,
      headers: { 'X-Alert-Id': payload.id },
    });
    return { ok: true, httpStatus: null, error: null };
  }

  close(): void {
    this.mailer?.close();
  }
}
