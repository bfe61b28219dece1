/**
 * The portal's icon: the brand mark (a white E on the accent blue), 32x32, as an ICO holding one PNG.
 * Kept in code rather than the build output so /favicon.ico answers even before the portal is built.
 */
export const FAVICON_ICO = Buffer.from(
  'AAABAAEAICAAAAEAIACXAAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAgAAAAIAgGAAAAc3p69AAAAF5JREFUeNpjYMAB9EMu/qcm' +
  'ZiAGUNtSkhxDL8uxOoLelmM4YmQ7YKAshzuCWIWkglEHDH8HDHgiHHUApXE/6oCh74DRXDBaG446gO4OGJbtwtFm+eDpmg2KzulA' +
  'dc8BlUDUAFCpNT8AAAAASUVORK5CYII=',
  'base64',
);
