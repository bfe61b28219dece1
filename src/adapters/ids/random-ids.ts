import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../../ports/ids.js';

/** RFC 4122 v4 GUIDs, lower-case as the MIM wire format shows them; v7 where asked for order. */
export const randomIds: IdGenerator = {
  newId: () => randomUUID(),
  // A v4 GUID's random bits under the 48-bit millisecond time and the version nibble 7 (its variant
  // bits are already v7's).
  newTimeOrderedId: () => {
    const t = Date.now().toString(16).padStart(12, '0');
    return `${t.slice(0, 8)}-${t.slice(8)}-7${randomUUID().slice(15)}`;
  },
};
