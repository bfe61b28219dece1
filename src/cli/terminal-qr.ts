/**
 * An otpauth URI as a QR code drawn with block characters, for an authenticator app to scan off the
 * terminal. qrcode is loaded here, not when the CLI's commands are (`elevate serve` loads them all).
 */
export async function terminalQr(uri: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(uri, { type: 'terminal', small: true });
}
