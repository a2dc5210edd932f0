import type { Transporter } from 'nodemailer';
import type { EmailNotification } from '../domain/types.js';
import { DeliveryError } from './delivery-error.js';
import { emailMessage } from './email-message.js';
import type { RunSummary } from './run-summary.js';

/** Where e-mail goes out: nodemailer's URL form (`smtp://user:pass@host:587`, `smtps://…`) and the sender. */
export interface SmtpSettings {
  url?: string;
  from?: string;
  timeoutMs: number;
}

/**
 * Sends run e-mails through one SMTP relay with nodemailer. The
 * Message-ID is derived from the outbox row, so the rare duplicate a crash
 * can cause (the relay accepted, the server died before recording it) has
 * the same Message-ID and mail clients and archives fold it into one.
 *
 * @example
 * const email = new EmailChannel({ url: 'smtp://mail.example.com:587', from: 'sundial@example.com', timeoutMs: 20_000 });
 * await email.send('b0e…', { name: 'Ops', email: 'ops@example.com' }, run);
 */
export class EmailChannel {
  /** Made at the first e-mail: nodemailer is a tenth of a second of the server's start, and most servers send none. */
  private transport: Promise<Transporter> | undefined;

  constructor(private readonly smtp: SmtpSettings) {}

  async send(deliveryId: string, to: EmailNotification, run: RunSummary): Promise<string> {
    const { url, timeoutMs } = this.smtp;
    if (url === undefined)
      throw new DeliveryError('not_sent', 'no SMTP server configured (SUNDIAL_SMTP_URL)');
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      }),
    );
    const transport = await this.transport;
    const message = emailMessage(run);
    const from = this.smtp.from ?? 'sundial@localhost';
    try {
      const info = await transport.sendMail({
        from: { name: 'Sundial', address: from },
        to: { name: to.name, address: to.email },
        messageId: `<${deliveryId}@sundial>`,
        ...message,
      });
      return String(info.response ?? 'accepted');
    } catch (e) {
      const err = e as Error & { responseCode?: number };
      // 5xx is the relay refusing this message for good; anything else (4xx, no connection) may pass later.
      const permanent = err.responseCode !== undefined && err.responseCode >= 500;
      throw new DeliveryError(permanent ? 'permanent' : 'retry', err.message);
    }
  }

  close(): void {
    void this.transport?.then((t) => t.close());
  }
}
