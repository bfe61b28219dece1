import { type Command, InvalidArgumentError } from 'commander';
import { type ClientOptions, clientCommand, connect } from '../client-command.js';
import { formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { formatTable } from '../table.js';

interface WireDecision {
  requestId: string;
  roleName: string;
  requestorLogin: string;
  stage: number;
  decision: string;
  at: number;
  comment: string | null;
  approvalStatus: string;
}

const count = (what: string) => (v: string): number => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${what} must be a whole number`);
  return Number(v);
};

/** `elevate decisions`: the approvals and rejections you made, newest first (GET /api/me/decisions). */
export function registerDecisionsCommand(program: Command): void {
  clientCommand(program, 'decisions', 'your own approval decisions, newest first')
    .option('--limit <n>', 'how many (1-500, default 50)', count('--limit'))
    .option('--skip <n>', 'skip the newest n (for the next page)', count('--skip'))
    .action(async (f: ClientOptions & { limit?: number; skip?: number }) => {
      const api = await connect(f);
      const q = new URLSearchParams();
      if (f.limit !== undefined) q.set('limit', String(f.limit));
      if (f.skip !== undefined) q.set('skip', String(f.skip));
      const { value } = (await api.get(`/api/me/decisions${q.size > 0 ? `?${q}` : ''}`)) as { value: WireDecision[] };
      emit(f, value, () =>
        value.length === 0
          ? 'you have made no approval decisions'
          : formatTable(
              ['WHEN', 'DECISION', 'REQUESTOR', 'ROLE', 'STAGE', 'NOW', 'REQUEST ID', 'COMMENT'],
              value.map((d) => [formatLocalTime(d.at), d.decision, d.requestorLogin, d.roleName, String(d.stage), d.approvalStatus, d.requestId, d.comment ?? '']),
            ),
      );
    });
}
