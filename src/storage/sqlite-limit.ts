// LIMITs bound at run time in the embedded store's SQL.

/**
 * `LIMIT <param>`, read when the statement runs. Written plainly, SQLite (3.53, better-sqlite3's)
 * plans with the bound number and so marks the statement to be prepared again whenever that
 * parameter is bound: every lookup parsed and planned its two statements anew (~200 µs).
 */
export const limitTo = (param: string) => `LIMIT CAST(${param} AS INTEGER)`;
