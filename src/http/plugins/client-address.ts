import { isIPv6 } from 'node:net';

/**
 * The address a client is counted under by the sign-in limits. An IPv6 client usually holds a
 * whole /64 and can pick any address in it, so it counts as that /64; an IPv4 address mapped into
 * IPv6 (`::ffff:192.0.2.1`) counts as the IPv4 address.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** 127.0.0.0/8 and ::1, also when mapped into IPv6. */
export function isLoopback(ip: string): boolean {
  return /^(::ffff:)?127\./i.test(ip) || ip === '::1';
}
