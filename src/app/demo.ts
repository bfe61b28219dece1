import type { PasswordHasher } from '../ports/password-hasher.js';
import { LOCAL_OPERATOR } from './admin/require-admin.js';
import { type Declaration, applyDeclaration } from './admin/apply.js';
import type { Deps } from './deps.js';
import { sealTotpSecret } from './mfa/totp-secret.js';

/** The demo users, groups and roles: the MIM test lab's cast, so the sample portal has something to show. */
export const DEMO: Declaration = {
  users: [
    { login: 'jen', displayName: 'Jen', email: 'jen@priv.example', password: 'jen' },
    { login: 'ann', displayName: 'Ann', email: 'ann@priv.example', password: 'ann' },
    { login: 'admin', displayName: 'Administrator', email: 'admin@priv.example', password: 'admin', isAdmin: true },
  ],
  groups: [
    { name: 'CORP Domain Admins', description: 'Shadow of the corporate Domain Admins group' },
    { name: 'Approved Operators', description: 'Granted by ApprovalRole' },
    { name: 'MFA Protected Share', description: 'Granted by MFA Role' },
    { name: 'Business Hours Ops', description: 'Granted by Business Hours' },
  ],
  roles: [
    { name: 'Allow AD Access', ttlSeconds: 3600, groups: ['CORP Domain Admins'], candidates: ['jen', 'ann'] },
    { name: 'ApprovalRole', ttlSeconds: 3600, approvalRequired: true, approvers: ['ann'], groups: ['Approved Operators'], candidates: ['jen'] },
    { name: 'MFA Role', ttlSeconds: 1800, mfaRequired: true, groups: ['MFA Protected Share'], candidates: ['jen'] },
    { name: 'Business Hours', ttlSeconds: 3600, window: { from: '08:00', to: '18:00' }, groups: ['Business Hours Ops'], candidates: ['jen'] },
  ],
};

const SEEDED = 'demo.seeded';

/**
 * jen's authenticator secret in demo mode, published so anyone can try the MFA Role
 * (e.g. `oathtool --totp -b JBSWY3DPEHPK3PXP`). Never used outside demo mode.
 */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';

/** Seeds the demo data into a fresh store once; later starts leave any changes an admin made. */
export async function seedDemo(deps: Deps, hasher: PasswordHasher): Promise<boolean> {
  if ((await deps.store.transaction((tx) => tx.settings.get(SEEDED))) !== undefined) return false;
  await applyDeclaration(deps, hasher, LOCAL_OPERATOR, DEMO);
  await deps.store.transaction(async (tx) => {
    const jen = await tx.accounts.byLogin('jen');
    if (jen) {
      const sealedSecret = sealTotpSecret(deps, jen.id, DEMO_TOTP_SECRET);
      await tx.mfa.saveTotp({ accountId: jen.id, sealedSecret, confirmed: true, lastStep: 0, createdAt: deps.clock.now() });
    }
    await tx.settings.set(SEEDED, String(deps.clock.now()));
  });
  return true;
}
