import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { NotificationKind } from '../../domain/notify/notification.js';
import type { NotificationChannel, NotificationMessage, NotifiedPerson } from '../../ports/notification-channel.js';
import { details, headline, linkText } from './wording.js';

export interface EmailOptions {
  /** smtp:// (STARTTLS) or smtps:// (TLS from the start), with the user name if the server wants one. */
  readonly url: string;
  /** The SMTP password (read from its file by the caller; never logged). */
  readonly password?: string;
  readonly from: string;
  /** On smtp://, refuse to send unless the server offers STARTTLS. */
  readonly requireTls: boolean;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Email over SMTP (nodemailer): one message per recipient, plain text and HTML, with a link to the
 * portal page it is about. The link only opens a page; acting on it takes a signed-in click there.
 */
export class EmailChannel implements NotificationChannel {
  readonly name = 'email';
  readonly reach = 'personal' as const;
  readonly #settings: SMTPTransport.Options;
  /**
   * Made on the first message: nodemailer is loaded then, not at start (it adds some 20 MB to the
   * resident memory of a server that may never send mail). createTransport does not connect anyway.
   */
  #transport?: Promise<Transporter>;

  constructor(private readonly opts: EmailOptions) {
    const u = new URL(opts.url);
    const user = decodeURIComponent(u.username);
    this.#settings = {
      host: u.hostname,
      port: Number(u.port) || (u.protocol === 'smtps:' ? 465 : 587),
      secure: u.protocol === 'smtps:',
      requireTLS: u.protocol === 'smtp:' && opts.requireTls,
      ...(user ? { auth: { user, pass: opts.password ?? '' } } : {}),
    };
  }

  #connect(): Promise<Transporter> {
    return (this.#transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(this.#settings)));
  }

  accepts(_kind: NotificationKind): boolean {
    return true;
  }

  reaches(p: NotifiedPerson): boolean {
    return p.email !== null && p.email.includes('@');
  }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    if (!m.to?.email) throw new Error('no email address for this recipient');
    const rows = details(m);
    const text = [headline(m), '', ...rows.map(([k, v]) => `${k}: ${v}`), '', `${linkText(m)}: ${m.link}`, ''].join('\n');
    const html =
      `<p>${escapeHtml(headline(m))}</p><table>` +
      rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('') +
      `</table><p><a href="${escapeHtml(m.link)}">${escapeHtml(linkText(m))}</a></p>`;
    const sending = (await this.#connect()).sendMail({
      from: this.opts.from,
      to: { name: m.to.displayName, address: m.to.email },
      subject: headline(m),
      text,
      html,
      // The same on every retry: a mail system (or a person) can tell a resend from a new event.
      headers: { 'X-Elevate-Event-Id': m.id, 'X-Elevate-Event': m.kind },
    });
    await new Promise<void>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      sending.then(() => resolve(), reject);
    });
  }

  close(): void {
    void this.#transport?.then((t) => t.close(), () => {});
  }
}
