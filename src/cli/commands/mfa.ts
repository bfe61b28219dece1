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

  clientCommand(mfa, 'totp', 'enrol (or replace) an authenticator app: shows its QR code and secret once; confirm with `elevate mfa confirm`')
    .option('--otp <code>', 'a current code from the authenticator you have now (asked for on a terminal when needed)')
    .option('--enrolment-code <code>', 'for a first factor: the one-time enrolment code an administrator gave you')
    .action(async (f: ClientOptions & { otp?: string; enrolmentCode?: string }) => {
      const api = await connect(f);
      const e = (await withChangeProof(f, (proof) => api.post('/api/mfa/totp', proof))) as WireEnrolment | undefined;
      if (!e?.secret) throw new CliError('the server accepted the enrolment but returned no secret');
      const qr = f.json ? '' : await terminalQr(e.uri);
      emit(f, { secret: e.secret, uri: e.uri, confirmed: e.confirmed }, () =>
        [qr, formatFields([['secret', e.secret], ['otpauth URI', e.uri], ['confirmed', yesNo(e.confirmed)]]), '', 'Scan the code (or type the secret) into your authenticator app, then: elevate mfa confirm --otp <code>'].join('\n'),
      );
    });

  clientCommand(mfa, 'remove-passkey <id>', 'remove one of your passkeys (id as `elevate mfa show` lists it), proven with your authenticator')
    .option('--otp <code>', 'a current code from your authenticator (asked for on a terminal when left out)')
    .action(async (id: string, f: ClientOptions & { otp?: string }) => {
      const api = await connect(f);
      await withChangeProof(f, (proof) => api.delete(`/api/mfa/passkeys/${encodeURIComponent(id)}`, proof));
      emit(f, { removed: { passkey: id } }, () => `removed passkey ${id}`);
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

/**
 * Sends a factor change with its proof: `--otp` (a factor you have) or `--enrolment-code` (a first
 * factor). Without either, tries without one (the server may allow self-enrolment) and, when it asks
 * for a factor, prompts on a terminal for a current code.
 */
async function withChangeProof<T>(f: { otp?: string; enrolmentCode?: string }, send: (proof: Record<string, string>) => Promise<T>): Promise<T> {
  if (f.enrolmentCode !== undefined) return send({ EnrolmentCode: f.enrolmentCode });
  if (f.otp !== undefined) return send({ Code: f.otp });
  try {
    return await send({});
  } catch (e) {
    if (!(e instanceof CliError) || e.serverCode !== 'MfaRequired') throw e;
    const firstFactor = /enrolment code/.test(e.message);
    const done = firstFactor ? null : await withOtp(undefined, 'Current code from your authenticator: ', (code) => send({ Code: code }));
    if (done === null) throw new CliError(`${e.message}\n${firstFactor ? 'Pass --enrolment-code <code>.' : 'Pass --otp <code> (a current code from your authenticator).'}`);
    return done;
  }
}
