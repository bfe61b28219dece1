import type { NotificationMessage, NotifiedPerson } from '../../ports/notification-channel.js';

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
const who = (p: NotifiedPerson | null) => (p === null ? null : { login: p.login, displayName: p.displayName });

/**
 * A notification as a CloudEvents 1.0 event in structured mode: the envelope's `id` is the event id
 * (the same on every retry, for receivers to dedupe on), `type` names the event, `subject` the request.
 */
export function cloudEvent(m: NotificationMessage, source: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: m.id,
    source,
    type: `org.elevate.request.${m.kind}`,
    subject: m.request.id,
    time: iso(m.time),
    datacontenttype: 'application/json',
    data: {
      event: m.kind,
      request: {
        id: m.request.id,
        role: m.request.role,
        requester: who(m.request.requester),
        justification: m.request.justification,
        status: m.request.status,
        expiresAt: iso(m.request.expiresAt),
        endReason: m.request.endReason,
        endNote: m.request.endNote,
        approvalId: m.request.approvalId,
      },
      actor: who(m.actor),
      comment: m.comment,
      link: m.link,
    },
  };
}
