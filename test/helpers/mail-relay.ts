import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the relay accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/**
 * A real SMTP server (the `smtp-server` package) on loopback that keeps what
 * it accepts. `hold()` makes it stall new sessions at MAIL FROM until
 * `release()` (a relay that accepted the connection and has not yet taken
 * the message); `stop()` and `start()` again on the same port make it "down".
 *
 * @example
 * const relay = await MailRelay.start();
 * // … SUNDIAL_SMTP_URL = relay.url
 * await relay.waitFor(1);
 */
export class MailRelay {
  readonly mails: ReceivedMail[] = [];
  /** Sessions that reached MAIL FROM (held or not). */
  mailFromCount = 0;
  private server: SMTPServer | undefined;
  private held: (() => void)[] | undefined;

  private constructor(public port: number) {}

  static async start(port = 0): Promise<MailRelay> {
    const relay = new MailRelay(port);
    await relay.listen();
    return relay;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      onMailFrom: (_address, _session, callback) => {
        this.mailFromCount++;
        if (this.held) this.held.push(() => callback());
        else callback();
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            this.mails.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
            });
            callback();
          })
          .catch(callback);
      },
    });
    server.on('error', () => {});
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    for (const go of waiting) go();
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.release();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Waits until at least `count` messages arrived. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.mails.length < count) {
      if (Date.now() > deadline)
        throw new Error(`expected ${count} mails within ${timeoutMs} ms, got ${this.mails.length}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.mails;
  }
}
