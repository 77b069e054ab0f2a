// Timestamps in whole seconds (`2026-12-04T16:20:00Z`), as CloudTrail records and the query
// protocol write them.

let lastSecond = NaN;
let lastIso = '';

/**
 * A date in ISO 8601 to the second. The last second's string is kept: a recorded call converts
 * its event time and usually a timestamp of its response, all within the same second, and
 * `toISOString` costs ~1 µs each time.
 */
export function isoSeconds(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    // Dropping ".sssZ" from the end also holds for six-digit years (`+275760-09-13T00:00:00.000Z`).
    lastIso = `${new Date(second * 1000).toISOString().slice(0, -5)}Z`;
    lastSecond = second;
  }
  return lastIso;
}

/** ISO 8601's basic format to the second (`20261204T162000Z`): SigV4's dates, and digest file names. */
export const isoBasic = (d: Date) => isoSeconds(d).replace(/[-:]/g, '');
