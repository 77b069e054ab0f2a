// Event ids. CloudTrail's are opaque GUIDs; ours are UUIDv7 (RFC 9562): the first 48 bits are
// the time in milliseconds, the other 74 random. Ids made one after another are then near each
// other in any index ordered by id, so indexing an event writes to the newest pages of that
// index instead of a random page of it (measured: a random 48-bit key cost the embedded index
// ~18 µs an event, more than any other row of it).
import { createHash, randomUUID } from 'node:crypto';

let prefixMs = NaN;
let prefix = '';

/**
 * A new event id (randomUUID's random bits, the first 48 replaced by the time and the version
 * made 7). The time's part is kept for its millisecond, which several calls share under load:
 * made each time, it took half of the id's ~0.5 µs.
 */
export function newEventId(now = Date.now()): string {
  if (now !== prefixMs) {
    const ms = now.toString(16).padStart(12, '0');
    prefix = `${ms.slice(0, 8)}-${ms.slice(8)}-7`;
    prefixMs = now;
  }
  return prefix + randomUUID().slice(15);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A UUID's first 48 bits, in hex: a v7 id's time. */
const first48 = (uuid: string) => uuid.slice(0, 8) + uuid.slice(9, 13);

/** The time (epoch ms) a UUIDv7 event id was made at; undefined for any other id. */
export function eventIdTime(eventId: string): number | undefined {
  return UUID.test(eventId) && eventId[14] === '7' ? parseInt(first48(eventId), 16) : undefined;
}

/**
 * A 52-bit integer naming an event id in an index, where the id itself is checked afterwards:
 * for a UUID its first 48 bits and the 4 after the version digit (time-ordered for our v7 ids,
 * random for the v4 ids of older journals); for any other string, 48 bits of its SHA-256.
 */
export function eventIdKey(eventId: string): number {
  if (UUID.test(eventId)) return parseInt(first48(eventId) + eventId[15], 16);
  return createHash('sha256').update(eventId).digest().readUIntBE(0, 6);
}
