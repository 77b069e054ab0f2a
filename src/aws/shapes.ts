// A small declarative model of operation inputs and outputs, mirroring the Smithy traits the
// wire and the audit record need: constraints (validated server-side, since clients barely
// validate), HTTP bindings of members, and which members are sensitive.

import { isoSeconds } from './timestamps.ts';

export type Shape = StringShape | NumberShape | BooleanShape | TimestampShape | ListShape | StructureShape;

export interface StringShape {
  kind: 'string';
  min?: number;
  max?: number;
  pattern?: RegExp;
  enum?: readonly string[];
  sensitive?: boolean;
  /** What a record shows of the value, when only a part of it is secret (a URL's password). */
  audited?: (value: string) => string;
}
export interface NumberShape {
  kind: 'integer';
  min?: number;
  max?: number;
}
export interface BooleanShape {
  kind: 'boolean';
}
export interface TimestampShape {
  kind: 'timestamp';
}
export interface ListShape {
  kind: 'list';
  member: Shape;
  min?: number;
  max?: number;
}
export interface StructureShape {
  kind: 'structure';
  members: Record<string, Member>;
}
export interface Member {
  shape: Shape;
  required?: boolean;
  /** rest-json binding: a path label, or a query parameter with its wire name. */
  label?: boolean;
  query?: string;
}

export const string = (c: Omit<StringShape, 'kind'> = {}): StringShape => ({ kind: 'string', ...c });
export const integer = (c: Omit<NumberShape, 'kind'> = {}): NumberShape => ({ kind: 'integer', ...c });
export const boolean = (): BooleanShape => ({ kind: 'boolean' });
export const timestamp = (): TimestampShape => ({ kind: 'timestamp' });
export const list = (member: Shape, c: Omit<ListShape, 'kind' | 'member'> = {}): ListShape => ({ kind: 'list', member, ...c });
export const structure = (members: Record<string, Member | Shape>): StructureShape => ({
  kind: 'structure',
  members: Object.fromEntries(
    Object.entries(members).map(([k, v]) => [k, 'shape' in v ? v : { shape: v }]),
  ),
});
export const required = (shape: Shape): Member => ({ shape, required: true });
export const label = (shape: Shape): Member => ({ shape, required: true, label: true });
export const query = (name: string, shape: Shape): Member => ({ shape, query: name });

/** Smithy's `.*\S.*`: at least one non-blank character. */
export const NON_EMPTY = /\S/;
export const EMAIL = /.+@.+\..+/;

/** A value that broke a model constraint; each service turns it into its own error. */
export class ConstraintViolation extends Error {
  constructor(
    readonly member: string,
    readonly detail: string,
    readonly value: unknown,
    /** A sensitive value is not repeated in the message (which reaches the client and the record). */
    sensitive = false,
  ) {
    super(`1 validation error detected: Value ${sensitive ? '' : `${describe(value)} `}at '${member}' failed to satisfy constraint: ${detail}`);
  }
}

/** The JSON type of a value did not match the model (a client could never send this). */
export class TypeMismatch extends Error {
  constructor(
    readonly member: string,
    readonly expected: string,
  ) {
    super(`Value at '${member}' must be of type ${expected}`);
  }
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return `'${value.length > 64 ? `${value.slice(0, 64)}...` : value}'`;
  if (Array.isArray(value)) return `[${value.length} items]`;
  return `'${String(value)}'`;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * Checks `value` against `shape` and returns it with timestamps turned into Dates.
 * Throws TypeMismatch for a wrong JSON type and ConstraintViolation for a broken constraint.
 * Unknown members are dropped, as AWS services ignore them.
 */
export function validate(shape: Shape, value: unknown, path = ''): unknown {
  if (value === undefined || value === null) return undefined;
  switch (shape.kind) {
    case 'string': {
      if (typeof value !== 'string') throw new TypeMismatch(path, 'string');
      const len = [...value].length;
      const hidden = (shape.sensitive ?? false) || shape.audited !== undefined;
      if (shape.min !== undefined && len < shape.min)
        throw new ConstraintViolation(path, `Member must have length greater than or equal to ${shape.min}`, value, hidden);
      if (shape.max !== undefined && len > shape.max)
        throw new ConstraintViolation(path, `Member must have length less than or equal to ${shape.max}`, value, hidden);
      if (shape.pattern && !shape.pattern.test(value))
        throw new ConstraintViolation(path, `Member must satisfy regular expression pattern: ${shape.pattern.source}`, value, hidden);
      if (shape.enum && !shape.enum.includes(value))
        throw new ConstraintViolation(path, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`, value, hidden);
      return value;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeMismatch(path, 'integer');
      if (shape.min !== undefined && value < shape.min)
        throw new ConstraintViolation(path, `Member must have value greater than or equal to ${shape.min}`, value);
      if (shape.max !== undefined && value > shape.max)
        throw new ConstraintViolation(path, `Member must have value less than or equal to ${shape.max}`, value);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw new TypeMismatch(path, 'boolean');
      return value;
    case 'timestamp': {
      // awsJson sends epoch seconds; rest-json ISO-8601 strings.
      const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
      if (!date || Number.isNaN(date.getTime())) throw new TypeMismatch(path, 'timestamp');
      return date;
    }
    case 'list': {
      if (!Array.isArray(value)) throw new TypeMismatch(path, 'list');
      if (shape.min !== undefined && value.length < shape.min)
        throw new ConstraintViolation(path, `Member must have length greater than or equal to ${shape.min}`, value);
      if (shape.max !== undefined && value.length > shape.max)
        throw new ConstraintViolation(path, `Member must have length less than or equal to ${shape.max}`, value);
      return value.map((v, i) => {
        if (v === null || v === undefined) throw new TypeMismatch(`${path}.${i + 1}.member`, 'non-null');
        return validate(shape.member, v, `${path}.${i + 1}.member`);
      });
    }
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) throw new TypeMismatch(path, 'structure');
      const out: Record<string, unknown> = {};
      const obj = value as Record<string, unknown>;
      for (const [name, member] of Object.entries(shape.members)) {
        const memberPath = path ? `${path}.${lowerFirst(name)}` : lowerFirst(name);
        const v = validate(member.shape, obj[name], memberPath);
        if (v === undefined) {
          if (member.required) throw new ConstraintViolation(memberPath, 'Member must not be null', null);
          continue;
        }
        out[name] = v;
      }
      return out;
    }
  }
}

/** The shape without its constraints (lengths, patterns, enums, required members), nested ones too. */
export function withoutConstraints(shape: Shape): Shape {
  switch (shape.kind) {
    case 'string':
      return { kind: 'string', sensitive: shape.sensitive, audited: shape.audited };
    case 'integer':
      return { kind: 'integer' };
    case 'list':
      return { kind: 'list', member: withoutConstraints(shape.member) };
    case 'structure':
      return {
        kind: 'structure',
        members: Object.fromEntries(Object.entries(shape.members).map(([k, m]) => [k, { ...m, required: false, shape: withoutConstraints(m.shape) }])),
      };
    default:
      return shape;
  }
}

export const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/**
 * The audit view of a value: member names in lowerCamelCase, sensitive values replaced whole,
 * timestamps as ISO-8601 strings. Members the shape does not know are kept (camelCased) unless
 * `extraSensitive` names them; so a record never leaks a value the model marks secret.
 */
export function toAuditView(shape: Shape | undefined, value: unknown, extraSensitive: ReadonlySet<string> = EMPTY): unknown {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return isoSeconds(value);
  if (shape?.kind === 'string' && shape.sensitive) return HIDDEN;
  if (shape?.kind === 'string' && shape.audited && typeof value === 'string') return shape.audited(value);
  if (Array.isArray(value)) {
    const member = shape?.kind === 'list' ? shape.member : undefined;
    return value.map((v) => toAuditView(member, v, extraSensitive) ?? null);
  }
  if (typeof value === 'object') {
    const members = shape?.kind === 'structure' ? auditMembers(shape) : undefined;
    const checkExtra = extraSensitive.size > 0;
    const out: Record<string, unknown> = {};
    for (const k in value) {
      const v = (value as Record<string, unknown>)[k];
      const member = members?.get(k);
      let view: unknown;
      if (checkExtra && extraSensitive.has(k)) view = v === undefined || v === null ? undefined : HIDDEN;
      // Most members are plain strings: their view is their value, without a call.
      else if (member?.plain && typeof v === 'string') view = v;
      else view = toAuditView(member?.shape, v, extraSensitive);
      if (view !== undefined) out[member ? member.key : lowerFirst(k)] = view;
    }
    return out;
  }
  return value;
}

/** A structure member as its audit view needs it: its record key, and whether its strings are shown as they are. */
interface AuditMember {
  key: string;
  shape: Shape;
  plain: boolean;
}
/** By structure shape, made once: looked up by member name, not found through the shape and a name cache on every member of every view. */
const auditMemberCache = new WeakMap<StructureShape, Map<string, AuditMember>>();
function auditMembers(shape: StructureShape): Map<string, AuditMember> {
  let members = auditMemberCache.get(shape);
  if (!members) {
    members = new Map(Object.entries(shape.members).map(([name, m]) => [name, { key: lowerFirst(name), shape: m.shape, plain: m.shape.kind === 'string' && !m.shape.sensitive && !m.shape.audited }]));
    auditMemberCache.set(shape, members);
  }
  return members;
}
const EMPTY: ReadonlySet<string> = new Set();
