import QRCode from 'qrcode';

/** An otpauth URI as a QR code drawn with block characters, for an authenticator app to scan off the terminal. */
export function terminalQr(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'terminal', small: true });
}
