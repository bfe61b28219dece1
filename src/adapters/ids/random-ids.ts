import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../../ports/ids.js';

/** RFC 4122 v4 GUIDs, lower-case as the MIM wire format shows them. */
export const randomIds: IdGenerator = { newId: () => randomUUID() };
