/**
 * Just enough of RFC 4514 to read DNs that come back from a server: split them into RDNs, unescape
 * values, and compare them the way directories usually do (attribute types and values without
 * regard to case). ldapts builds and escapes DNs but does not parse them.
 */

export interface Ava {
  /** Attribute type as written (compare case-insensitively). */
  readonly type: string;
  /** The unescaped value. */
  readonly value: string;
}

/** One RDN: usually one AVA, several in a multi-valued RDN such as `cn=a+uid=b`. */
export type Rdn = readonly Ava[];

/** The RDNs of `dn`, leftmost first; null when `dn` is not a well-formed DN. */
export function parseDn(dn: string): Rdn[] | null {
  const rdns: Ava[][] = [];
  let ava: { type: string; bytes: number[] } | null = null;
  let current: Ava[] = [];
  let type = '';
  let trailingSpaces = 0;
  const finishAva = (): boolean => {
    if (!ava) return false;
    const bytes = trailingSpaces > 0 ? ava.bytes.slice(0, ava.bytes.length - trailingSpaces) : ava.bytes;
    const t = ava.type.trim();
    if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)*)$/.test(t)) return false;
    current.push({ type: t, value: Buffer.from(bytes).toString('utf8') });
    ava = null;
    type = '';
    trailingSpaces = 0;
    return true;
  };
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (!ava) {
      if (c === '=') {
        ava = { type, bytes: [] };
        while (dn[i + 1] === ' ') i++; // spaces after '=' are not part of the value
      } else if (c === ',' || c === '+' || c === '\\') {
        return null;
      } else {
        type += c;
      }
      continue;
    }
    if (c === '\\') {
      const hex = dn.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        ava.bytes.push(parseInt(hex, 16));
        i += 2;
      } else if (i + 1 < dn.length) {
        ava.bytes.push(...Buffer.from(dn[i + 1]!, 'utf8'));
        i += 1;
      } else {
        return null;
      }
      trailingSpaces = 0;
    } else if (c === ',' || c === ';' || c === '+') {
      if (!finishAva()) return null;
      if (c !== '+') {
        rdns.push(current);
        current = [];
      }
      while (dn[i + 1] === ' ') i++; // spaces after a separator are not part of the next type
    } else {
      ava.bytes.push(...Buffer.from(c, 'utf8'));
      trailingSpaces = c === ' ' ? trailingSpaces + 1 : 0;
    }
  }
  if (!ava) return dn.trim() === '' && rdns.length === 0 ? [] : null;
  if (!finishAva()) return null;
  rdns.push(current);
  return rdns;
}

const key = (rdn: Rdn): string =>
  rdn
    .map((a) => `${a.type.toLowerCase()}=${a.value.toLowerCase()}`)
    .sort()
    .join('+');

/** A comparable form of `dn` (case and spacing folded); the input itself when it does not parse. */
export function normalizeDn(dn: string): string {
  const rdns = parseDn(dn);
  return rdns ? rdns.map(key).join(',') : dn.toLowerCase();
}

export function sameDn(a: string, b: string): boolean {
  return normalizeDn(a) === normalizeDn(b);
}

/** True when `dn` is `base` or lies below it. */
export function isWithin(dn: string, base: string): boolean {
  const d = parseDn(dn);
  const b = parseDn(base);
  if (!d || !b || b.length > d.length) return false;
  const tail = d.slice(d.length - b.length);
  return tail.every((rdn, i) => key(rdn) === key(b[i]!));
}

/** The value of `attribute` in the leftmost RDN, when that RDN is exactly one AVA of that type. */
export function leadingRdnValue(dn: string, attribute: string): string | null {
  const first = parseDn(dn)?.[0];
  if (!first || first.length !== 1) return null;
  return first[0]!.type.toLowerCase() === attribute.toLowerCase() ? first[0]!.value : null;
}
