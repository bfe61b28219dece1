import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { type ClientOptions, clientCommand, connect } from '../client-command.js';
import { formatLocalTime } from '../format-time.js';
import { emit, formatFields, yesNo } from '../output.js';
import { withOtp } from '../otp-input.js';
import { formatTable } from '../table.js';
import { terminalQr } from '../terminal-qr.js';

interface WireFactors {
  readonly login: string;
  readonly totp: { readonly confirmed: boolean; readonly createdAt: string } | null;
  readonly passkeys: readonly { readonly id: string; readonly name: string; readonly createdAt: string; readonly lastUsedAt: string | null }[];
}

interface WireEnrolment {
  readonly secret: string;
  readonly uri: string;
  readonly confirmed: boolean;
}

/** Self-service MFA against a running server. Passkeys need a browser, so only listing them is here. */
export function registerMfaCommands(program: Command): void {
  const mfa = program.command('mfa').description('your MFA factors on a running server: authenticator app and passkeys');

  clientCommand(mfa, 'show', 'which factors you have (never their secrets)').action(async (f: ClientOptions) => {
    const factors = (await (await connect(f)).get('/api/mfa')) as WireFactors;
    emit(f, factors, () => {
      const totp = factors.totp ? `${factors.totp.confirmed ? 'confirmed' : 'waiting for a first code (elevate mfa confirm)'}, since ${formatLocalTime(factors.totp.createdAt)}` : 'none (elevate mfa totp)';
      const head = formatFields([
        ['user', factors.login],
        ['authenticator', totp],
        ['passkeys', String(factors.passkeys.length)],
      ]);
      if (factors.passkeys.length === 0) return head;
      const rows = factors.passkeys.map((p) => [p.name, formatLocalTime(p.createdAt), p.lastUsedAt ? formatLocalTime(p.lastUsedAt) : 'never', p.id]);
      return `${head}\n\n${formatTable(['PASSKEY', 'ADDED', 'LAST USED', 'ID'], rows)}`;
    });
  });

  clientCommand(mfa, 'totp', 'enrol an authenticator app: shows its QR code and secret once; confirm with `elevate mfa confirm`').action(async (f: ClientOptions) => {
    const api = await connect(f);
    const e = (await api.post('/api/mfa/totp')) as WireEnrolment | undefined;
    if (!e?.secret) throw new CliError('the server accepted the enrolment but returned no secret');
    const qr = f.json ? '' : await terminalQr(e.uri);
    emit(f, { secret: e.secret, uri: e.uri, confirmed: e.confirmed }, () =>
      [qr, formatFields([['secret', e.secret], ['otpauth URI', e.uri], ['confirmed', yesNo(e.confirmed)]]), '', 'Scan the code (or type the secret) into your authenticator app, then: elevate mfa confirm --otp <code>'].join('\n'),
    );
  });

  clientCommand(mfa, 'confirm', 'confirm a new authenticator with its first code')
    .option('--otp <code>', 'the code the new authenticator shows (asked for on a terminal when left out)')
    .action(async (f: ClientOptions & { otp?: string }) => {
      const api = await connect(f);
      const done = await withOtp(f.otp, 'Code from the new authenticator: ', async (code) => (await api.post('/api/mfa/totp/confirm', { Code: code }), true));
      if (done === null) throw new CliError('no code: pass --otp <code>, or run in a terminal to be asked for it');
      emit(f, { confirmed: true }, () => 'authenticator confirmed: it now counts for MFA');
    });
}
