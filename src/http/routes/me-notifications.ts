import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { type NotifySetup, myNotifications } from '../../app/notify/my-notifications.js';
import { NOTIFICATION_KINDS } from '../../domain/notify/notification.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { answers, routeSchema } from '../plugins/zod-schemas.js';

/** GET /api/me/notifications: the answer's shape (for the OpenAPI document); times are ISO 8601. */
export const myNotificationsResponse = z.object({
  email: z.object({ enabled: z.boolean(), address: z.string().nullable(), source: z.enum(['account', 'directory', 'directory-unavailable']).nullable() }),
  events: z.array(z.object({ event: z.enum(NOTIFICATION_KINDS), as: z.enum(['requester', 'approver']), channels: z.array(z.string()) })),
  sharedChannels: z.array(z.string()),
  deliveries: z.array(
    z.object({
      event: z.enum(NOTIFICATION_KINDS),
      requestId: z.string(),
      role: z.string().nullable(),
      status: z.enum(['delivered', 'waiting', 'failing']),
      at: z.string(),
      attempts: z.number().int(),
    }),
  ),
});
export type MyNotificationsWire = z.infer<typeof myNotificationsResponse>;

/** Which notifications reach the caller, and the last emails sent to them (the portal's Security page). */
export function myNotificationRoutes(app: FastifyInstance, deps: Deps, setup: NotifySetup): void {
  const schema = routeSchema({ tags: ['me'], summary: 'Which notifications reach me, and my last deliveries', response: answers({ 200: myNotificationsResponse }) });
  app.get('/notifications', { schema }, async (req): Promise<MyNotificationsWire> => {
    const mine = await myNotifications(deps, req.caller!, setup);
    return { ...mine, events: mine.events.map((e) => ({ ...e, channels: [...e.channels] })), sharedChannels: [...mine.sharedChannels], deliveries: mine.deliveries.map((d) => ({ ...d, at: new Date(d.at).toISOString() })) };
  });
  methodNotAllowed(app, '/notifications', ['GET']);
}
