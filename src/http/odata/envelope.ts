import type { FastifyRequest } from 'fastify';

export type EntitySet = 'pamroles' | 'pamrequests' | 'pamrequeststoapprove' | 'sessioninfo';

/** Where this server's CSDL document is, as the reference responses spell it (`%24metadata`). */
export function metadataUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}/api/pamresources/%24metadata`;
}

export function collection<T>(req: FastifyRequest, set: EntitySet, value: readonly T[]): { 'odata.metadata': string; value: readonly T[] } {
  return { 'odata.metadata': `${metadataUrl(req)}#${set}`, value };
}

export function element<T extends object>(req: FastifyRequest, set: EntitySet, value: T): { 'odata.metadata': string } & T {
  return { 'odata.metadata': `${metadataUrl(req)}#${set}/@Element`, ...value };
}
