// Which events a trail takes: its account, its regions, global service events, and its event
// selectors (basic or advanced). Also the validation of selectors as PutEventSelectors applies it.
import type { AdvancedEventSelector, AdvancedFieldSelector, EventSelector } from '@aws-sdk/client-cloudtrail';
import { InvalidEventSelectorsException } from '../services/cloudtrail/errors.ts';
import type { StoredEvent } from '../storage/store.ts';
import type { TrailDoc } from './model.ts';

/** Services whose events are recorded in us-east-1 whatever the caller's region. */
const GLOBAL_SOURCES = new Set(['iam.amazonaws.com', 'chime.amazonaws.com', 'cloudfront.amazonaws.com', 'route53.amazonaws.com']);
const EXCLUDABLE_SOURCES = ['kms.amazonaws.com', 'rdsdata.amazonaws.com'];
const DATA_RESOURCE_TYPES = ['AWS::S3::Object', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table'];
const MAX_SELECTORS = 5;
const MAX_DATA_RESOURCE_VALUES = 250;
const MAX_ADVANCED_VALUES = 500;
const OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const;
type Operator = (typeof OPERATORS)[number];

export function trailTakes(trail: TrailDoc, e: StoredEvent): boolean {
  if (e.accountId !== trail.AccountId || e.category === 'Insight') return false;
  if (!trail.IsMultiRegionTrail && e.region !== trail.HomeRegion) return false;
  if (!trail.IncludeGlobalServiceEvents && GLOBAL_SOURCES.has(e.eventSource)) return false;
  if (trail.AdvancedEventSelectors) return trail.AdvancedEventSelectors.some((s) => advancedMatches(s, e));
  const basic = trail.EventSelectors ?? [{ ReadWriteType: 'All', IncludeManagementEvents: true }];
  return basic.some((s) => basicMatches(s, e));
}

function basicMatches(s: EventSelector, e: StoredEvent): boolean {
  const rw = s.ReadWriteType ?? 'All';
  if (rw === 'ReadOnly' && !e.readOnly) return false;
  if (rw === 'WriteOnly' && e.readOnly) return false;
  if (e.category === 'Management') {
    return (s.IncludeManagementEvents ?? true) && !(s.ExcludeManagementEventSources ?? []).includes(e.eventSource);
  }
  // Data events: a resource of a selected type whose ARN starts with one of the values.
  const resources = recordOf(e).resources ?? [];
  return (s.DataResources ?? []).some((d) =>
    resources.some((r) => r.type === d.Type && (d.Values ?? []).some((v) => v === `arn:aws:${serviceOf(d.Type!)}` || r.ARN.startsWith(v))),
  );
}

const serviceOf = (type: string) => type.split('::')[1].toLowerCase();

interface RecordFields {
  eventType?: string;
  sessionCredentialFromConsole?: string;
  userIdentity?: { arn?: string };
  resources?: { ARN: string; type: string }[];
}
const parsed = new WeakMap<StoredEvent, RecordFields>();
function recordOf(e: StoredEvent): RecordFields {
  let r = parsed.get(e);
  if (!r) parsed.set(e, (r = JSON.parse(e.record) as RecordFields));
  return r;
}

/** The values of a field for an event (several for resources). */
function fieldValues(field: string, e: StoredEvent): string[] {
  switch (field) {
    case 'eventCategory':
      return [e.category];
    case 'eventSource':
      return [e.eventSource];
    case 'eventName':
      return [e.eventName];
    case 'readOnly':
      return [String(e.readOnly)];
    case 'eventType':
      return [recordOf(e).eventType ?? ''];
    case 'sessionCredentialFromConsole':
      return [recordOf(e).sessionCredentialFromConsole ?? 'false'];
    case 'userIdentity.arn':
      return [recordOf(e).userIdentity?.arn ?? ''];
    case 'resources.type':
      return (recordOf(e).resources ?? []).map((r) => r.type);
    case 'resources.ARN':
      return (recordOf(e).resources ?? []).map((r) => r.ARN);
    default:
      return [];
  }
}

const test: Record<Operator, (value: string, operand: string) => boolean> = {
  Equals: (v, o) => v === o,
  StartsWith: (v, o) => v.startsWith(o),
  EndsWith: (v, o) => v.endsWith(o),
  NotEquals: (v, o) => v === o,
  NotStartsWith: (v, o) => v.startsWith(o),
  NotEndsWith: (v, o) => v.endsWith(o),
};

/** Conditions of a selector are ANDed; a positive operator's values ORed, a negative one's all must fail. */
function advancedMatches(s: AdvancedEventSelector, e: StoredEvent): boolean {
  return (s.FieldSelectors ?? []).every((f) => fieldMatches(f, fieldValues(f.Field!, e)));
}

function fieldMatches(f: AdvancedFieldSelector, values: string[]): boolean {
  for (const op of OPERATORS) {
    const operands = f[op];
    if (!operands) continue;
    const negative = op.startsWith('Not');
    const hit = values.some((v) => operands.some((o) => test[op](v, o)));
    if (negative ? hit : !hit) return false;
  }
  return true;
}

// --- validation -------------------------------------------------------------------------------

const bad = (message: string) => new InvalidEventSelectorsException(message);

export function checkEventSelectors(selectors: EventSelector[]): void {
  if (selectors.length > MAX_SELECTORS) throw bad(`A trail can have at most ${MAX_SELECTORS} event selectors.`);
  let values = 0;
  for (const s of selectors) {
    for (const source of s.ExcludeManagementEventSources ?? []) {
      if (!EXCLUDABLE_SOURCES.includes(source)) {
        throw bad(`Value ${source} for ExcludeManagementEventSources is invalid. Valid values are ${EXCLUDABLE_SOURCES.join(', ')}.`);
      }
    }
    for (const d of s.DataResources ?? []) {
      if (!DATA_RESOURCE_TYPES.includes(d.Type ?? '')) {
        throw bad(`Value ${d.Type ?? 'null'} for DataResources.Type is invalid. Use advanced event selectors for other resource types.`);
      }
      for (const v of d.Values ?? []) {
        if (!v.startsWith(`arn:aws:${serviceOf(d.Type!)}`)) throw bad(`Value ${v} for DataResources.Values is invalid.`);
        if (v !== `arn:aws:${serviceOf(d.Type!)}` && v !== 'arn:aws:s3:::') values++;
      }
    }
  }
  if (values > MAX_DATA_RESOURCE_VALUES) throw bad(`A trail can have at most ${MAX_DATA_RESOURCE_VALUES} data resource values across all event selectors.`);
}

const MANAGEMENT_FIELDS = ['eventCategory', 'eventSource', 'readOnly'];
const DATA_FIELDS = ['eventCategory', 'resources.type', 'eventName', 'eventSource', 'eventType', 'readOnly', 'resources.ARN', 'sessionCredentialFromConsole', 'userIdentity.arn'];
const EQUALS_ONLY = ['eventCategory', 'readOnly', 'resources.type'];

export function checkAdvancedEventSelectors(selectors: AdvancedEventSelector[]): void {
  if (selectors.length === 0) throw bad('AdvancedEventSelectors must contain at least one selector.');
  let values = 0;
  for (const s of selectors) {
    const fields = s.FieldSelectors ?? [];
    const category = fields.find((f) => f.Field === 'eventCategory');
    const categories = category?.Equals ?? [];
    if (!category || categories.length !== 1 || !['Management', 'Data'].includes(categories[0])) {
      throw bad(`Advanced event selector ${s.Name ?? ''}: the eventCategory field is required, with Equals Management or Data.`.replace('  ', ' '));
    }
    const allowed = categories[0] === 'Management' ? MANAGEMENT_FIELDS : DATA_FIELDS;
    const seen = new Set<string>();
    for (const f of fields) {
      if (seen.has(f.Field!)) throw bad(`The field ${f.Field} appears more than once in one advanced event selector.`);
      seen.add(f.Field!);
      if (!allowed.includes(f.Field!)) throw bad(`The field ${f.Field} is not valid for ${categories[0]} events on a trail.`);
      const used = OPERATORS.filter((op) => f[op] !== undefined);
      if (used.length === 0) throw bad(`The field ${f.Field} needs at least one operator.`);
      if (EQUALS_ONLY.includes(f.Field!) && used.some((op) => op !== 'Equals')) throw bad(`The field ${f.Field} accepts only the Equals operator.`);
      if (f.Field === 'readOnly' && (f.Equals ?? []).some((v) => v !== 'true' && v !== 'false')) throw bad('The readOnly field accepts only true or false.');
      for (const op of used) values += f[op]!.length;
    }
    if (categories[0] === 'Data' && (fields.find((f) => f.Field === 'resources.type')?.Equals?.length ?? 0) !== 1) {
      throw bad('Advanced event selectors for data events need exactly one resources.type value.');
    }
  }
  if (values > MAX_ADVANCED_VALUES) throw bad(`A trail can have at most ${MAX_ADVANCED_VALUES} conditions across all advanced event selectors.`);
}

/** Whether the trail logs write (or read) management events, as Insights selectors require. */
export function logsManagement(trail: TrailDoc, kind: 'write' | 'any'): boolean {
  const probe = (readOnly: boolean) =>
    trailTakes({ ...trail, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true }, {
      seq: 0,
      accountId: trail.AccountId,
      region: trail.HomeRegion,
      eventId: '',
      eventTime: new Date(0),
      eventName: '',
      eventSource: 'cloudtrail.amazonaws.com',
      readOnly,
      category: 'Management',
      resources: [],
      record: '{}',
    });
  return kind === 'write' ? probe(false) : probe(false) || probe(true);
}
