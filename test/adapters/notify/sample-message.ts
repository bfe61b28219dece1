import type { NotificationMessage } from '../../../src/ports/notification-channel.js';

/** An approval-needed notification as the worker hands it to a channel. */
export const SAMPLE_MESSAGE: NotificationMessage = {
  id: '6f1c2b1e-0000-4000-8000-000000000001',
  kind: 'approval-needed',
  time: Date.UTC(2026, 0, 5, 10, 0),
  request: {
    id: 'c0ffee00-0000-4000-8000-000000000002',
    role: 'ApprovalRole',
    requester: { id: 'a1', login: 'jen', displayName: 'Jen', email: 'jen@priv.example' },
    justification: 'change 42',
    status: 'PendingApproval',
    expiresAt: null,
    endReason: null,
    endNote: null,
    approvalId: 'ap-1',
  },
  actor: null,
  comment: null,
  link: 'https://elevate.corp.example/#/approvals',
  to: null,
  receiver: 'sample',
};
