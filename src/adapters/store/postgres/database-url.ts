/**
 * The URL with its password replaced, for logs and error messages: a database URL is printed when
 * it is wrong, and the password in it must never be.
 */
export function redactDatabaseUrl(s: string): string {
  try {
    const u = new URL(s);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Not parseable as a URL: hide everything between '://' and '@', where a password would be.
    return s.replace(/(:\/\/)[^@/]*@/, '$1***@');
  }
}
