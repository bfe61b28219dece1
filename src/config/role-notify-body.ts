import { z } from 'zod';
import { MAX_EXPIRY_WARNING_MINUTES } from '../domain/role/role-notify.js';

/**
 * A role's `notify` settings as the admin API and `elevate apply -f` take them (one shape for both).
 * Each field given replaces the stored one; null goes back to the server's setting. The use case
 * checks the values (channel spelling, a Teams webhook the config knows).
 */
export const roleNotifyBody = z.strictObject({
  expiryWarningMinutes: z.number().int().min(0).max(MAX_EXPIRY_WARNING_MINUTES).nullable().optional(),
  slackChannel: z.string().min(1).max(80).nullable().optional(),
  teamsChannel: z.string().min(1).max(32).nullable().optional(),
});
