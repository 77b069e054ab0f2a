// Inputs generated from an operation's own model (src/aws/shapes.ts), for the model-driven fuzz
// test: mostly within the constraints, so that calls reach the handlers, with a few values just
// outside them. Values the server answered with (ids, names, ARNs) are remembered under their
// member name and offered again, so that later calls name resources that exist.
import type { Shape, StructureShape } from '../../src/aws/shapes.ts';
import type { Generator } from './fuzz.ts';

const CHARACTERS = ['a', 'Z', '0', ' ', '-', '_', '.', '@', '/', '%', '"', '<', '\\', 'é', '✓', '😀', '\u0000', '\n'];
const NOISE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/';
/** Structures nested deeper than this are sent empty. */
const MAX_DEPTH = 5;

export class ModelInputs {
  /** Values seen per member name, the first remembered first: most calls name it. */
  private readonly pools = new Map<string, unknown[]>();
  private readonly strings = new Set<string>();

  /** `never`: values no input may carry (the credentials the test itself needs to keep working). */
  constructor(
    private readonly g: Generator,
    private readonly never: ReadonlySet<string> = new Set(),
  ) {}

  /** Remembers the strings of a value (an SDK output, a setup input) under their member names. */
  remember(value: unknown, member = ''): void {
    if (typeof value === 'string') {
      if (value.length > 300 || this.never.has(value)) return;
      const pool = this.pools.get(member) ?? [];
      if (!pool.includes(value)) pool.push(value);
      this.pools.set(member, pool);
      this.strings.add(value);
    } else if (Array.isArray(value)) {
      for (const v of value) this.remember(v, member);
    } else if (value && typeof value === 'object' && !(value instanceof Date)) {
      for (const [k, v] of Object.entries(value)) if (k !== '$metadata') this.remember(v, k);
    }
  }

  /** The values remembered under a member name. */
  known(member: string): readonly unknown[] {
    return this.pools.get(member) ?? [];
  }

  input(shape: StructureShape, depth = 0): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (depth > MAX_DEPTH) return out;
    for (const [name, member] of Object.entries(shape.members)) {
      if (this.g.next() < (member.required ? 0.97 : 0.5)) out[name] = this.value(member.shape, name, depth);
    }
    return out;
  }

  private value(shape: Shape, name: string, depth: number): unknown {
    const { g } = this;
    const outside = g.next() < 0.05;
    switch (shape.kind) {
      case 'string': {
        if (shape.enum && !outside) return g.pick(shape.enum);
        const known = this.known(name);
        if (known.length && g.next() < 0.75) {
          const r = g.next();
          return r < 0.5 ? known[0] : r < 0.85 ? g.pick(known.slice(-4)) : g.pick(known);
        }
        const min = shape.min ?? 0;
        const max = shape.max ?? 200;
        if (shape.pattern && !outside) {
          const fits = [...this.strings].filter((s) => shape.pattern!.test(s) && s.length >= min && s.length <= max);
          if (fits.length && g.next() < 0.8) return g.pick(fits);
        }
        // Kilobytes of random text do not compress: longer than a PostgreSQL b-tree row.
        if (outside) return g.pick(['', 'x'.repeat(max + 1), this.text(0, 5), this.noise(4000)]);
        return g.next() < 0.1 ? 'm'.repeat(Math.min(max, 5000)) : this.text(min, max);
      }
      case 'integer': {
        const min = shape.min ?? -5;
        const max = shape.max ?? 1000;
        if (outside) return g.pick([min - 1, max + 1, 0, -1, 2 ** 31]);
        return g.pick([min, max, Math.floor(min + g.next() * (max - min + 1))]);
      }
      case 'boolean':
        return g.next() < 0.5;
      case 'timestamp':
        return new Date(Date.now() + (g.next() - 0.7) * 200 * 86_400_000);
      case 'list': {
        const min = shape.min ?? 0;
        const max = Math.min(shape.max ?? 5, 6);
        const n = outside ? g.pick([0, max + 1]) : min + Math.floor(g.next() * (max - min + 1));
        return Array.from({ length: n }, () => this.value(shape.member, name, depth + 1));
      }
      case 'structure':
        return this.input(shape, depth + 1);
    }
  }

  /** Random letters and digits. */
  private noise(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += NOISE[Math.floor(this.g.next() * NOISE.length)];
    return s;
  }

  /** Text of a length within the bounds, short more often than long, with awkward characters. */
  private text(min: number, max: number): string {
    const { g } = this;
    const n = Math.min(max, min + Math.floor(g.next() ** 3 * (Math.min(max, 300) - min + 1)));
    let s = '';
    for (let i = 0; i < n; i++) s += g.next() < 0.7 ? 'abcxyz'[Math.floor(g.next() * 6)] : g.pick(CHARACTERS);
    return s;
  }
}
