// Event ids. CloudTrail's are opaque GUIDs; ours are UUIDv7 (RFC 9562): the first 48 bits are
// the time in milliseconds, the other 74 random. Ids made one after another are then near each
// other in any index ordered by id, so indexing an event writes to the newest pages of that
// index instead of a random page of it (measured: a random 48-bit key cost the embedded index
// ~18 µs an event, more than any other row of it).
import { createHash, randomFillSync } from 'node:crypto';

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/**
 * The id being made, as bytes: `tttttttt-tttt-7rrr-vrrr-rrrrrrrrrrrr`, its time digits rewritten
 * when the millisecond changes, read out as one string. randomUUID's string cut after its 15th
 * character and joined to the time's (Number#toString(16), an fmod per digit) cost ~6,400
 * instructions an id when eight shared a millisecond and ~13,300 when none did, most of them in
 * building, slicing and joining strings; this ~2,600 and ~3,100 (callgrind).
 */
const id = Buffer.from('00000000-0000-7000-8000-000000000000', 'latin1');
let idMs = NaN;
/** Where the time's hex digits go, most significant first. */
const HIGH_DIGITS = [0, 1, 2, 3, 4, 5];
const LOW_DIGITS = [6, 7, 9, 10, 11, 12];
/** Where the 18 random hex digits go (the variant digit, at 19, takes 2 random bits of its own). */
const RANDOM_DIGITS = [15, 16, 17, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];
/** Random bytes drawn ahead, 10 an id, as randomUUID draws its own: one call to the CSPRNG per ~400 ids. */
const pool = Buffer.alloc(4090);
let poolAt = pool.length;

/** A new event id: 48 bits of time (ms), version 7, 74 random bits, variant 10 (RFC 9562). */
export function newEventId(now = Date.now()): string {
  if (now !== idMs) {
    // 48 bits as two 24-bit halves, each within the integers that bit operations keep exact.
    const high = Math.floor(now / 0x1000000);
    writeHex(high, HIGH_DIGITS);
    writeHex(now - high * 0x1000000, LOW_DIGITS);
    idMs = now;
  }
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  for (let i = 0; i < RANDOM_DIGITS.length; i += 2) {
    const b = pool[poolAt++];
    id[RANDOM_DIGITS[i]] = HEX[b >> 4];
    id[RANDOM_DIGITS[i + 1]] = HEX[b & 15];
  }
  id[19] = HEX[8 | (pool[poolAt++] & 3)];
  return id.toString('latin1');
}

/** `value`'s hex digits, most significant first, at `positions` of the id. */
function writeHex(value: number, positions: readonly number[]): void {
  for (let i = positions.length - 1; i >= 0; i--, value >>>= 4) id[positions[i]] = HEX[value & 15];
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
