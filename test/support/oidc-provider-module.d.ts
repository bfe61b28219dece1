// The few parts of `oidc-provider` (a dev dependency without types) that test/support/oidc-provider.ts uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface GrantInstance {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }
  interface Context {
    path: string;
    body: unknown;
    oidc: {
      provider: { Grant: new (o: { clientId: string; accountId: string }) => GrantInstance };
      client?: { clientId: string };
      session?: { accountId?: string };
    };
  }
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown> & {
      findAccount?: (ctx: Context, id: string) => unknown;
      loadExistingGrant?: (ctx: Context) => Promise<GrantInstance>;
    });
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: Context, next: () => Promise<void>) => Promise<void>): void;
  }
}
