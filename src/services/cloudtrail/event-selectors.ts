// PutEventSelectors and GetEventSelectors: basic or advanced selectors, one kind at a time.
import type { GetEventSelectorsRequest, GetEventSelectorsResponse, PutEventSelectorsRequest, PutEventSelectorsResponse } from '@aws-sdk/client-cloudtrail';
import { boolean, list, required, string, structure } from '../../aws/shapes.ts';
import { putTrail } from '../../trails/model.ts';
import { requireHomeTrail, requireTrail } from '../../trails/resolve.ts';
import { checkAdvancedEventSelectors, checkEventSelectors } from '../../trails/selectors.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { InvalidParameterCombinationException } from './errors.ts';
import { TrailNameOrArn, trailResource } from './shapes.ts';
import { arnOf, trailPolicyArn } from './trails.ts';

const values = list(string({ min: 1, max: 2048 }), { min: 1 });
const AdvancedEventSelector = structure({
  Name: string({ max: 1000 }),
  FieldSelectors: required(
    list(
      structure({
        Field: required(string({ min: 1, max: 1000, pattern: /^[\w|\d|.|_]+$/ })),
        Equals: values,
        StartsWith: values,
        EndsWith: values,
        NotEquals: values,
        NotStartsWith: values,
        NotEndsWith: values,
      }),
      { min: 1 },
    ),
  ),
});
const EventSelector = structure({
  ReadWriteType: string({ enum: ['ReadOnly', 'WriteOnly', 'All'] }),
  IncludeManagementEvents: boolean(),
  DataResources: list(structure({ Type: string(), Values: list(string()) })),
  ExcludeManagementEventSources: list(string()),
});
const selectorsOutput = structure({ TrailARN: string(), EventSelectors: list(EventSelector), AdvancedEventSelectors: list(AdvancedEventSelector) });

const DEFAULT_SELECTORS = [{ ReadWriteType: 'All' as const, IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }];
const resource = (input: { TrailName?: string }, _o: unknown, ctx: OperationContext) => trailResource(arnOf(ctx, input.TrailName));

export const PutEventSelectors = defineOperation<PutEventSelectorsRequest, PutEventSelectorsResponse>({
  name: 'PutEventSelectors',
  readOnly: false,
  input: structure({ TrailName: TrailNameOrArn, EventSelectors: list(EventSelector), AdvancedEventSelectors: list(AdvancedEventSelector) }),
  output: selectorsOutput,
  async handler(ctx, input) {
    const trail = await requireHomeTrail(ctx.tx, ctx.accountId, ctx.region, input.TrailName!);
    if ((input.EventSelectors === undefined) === (input.AdvancedEventSelectors === undefined)) {
      throw new InvalidParameterCombinationException('You must specify either EventSelectors or AdvancedEventSelectors, but not both.');
    }
    if (input.EventSelectors) {
      checkEventSelectors(input.EventSelectors);
      const selectors = input.EventSelectors.map((s) => ({
        ReadWriteType: s.ReadWriteType ?? 'All',
        IncludeManagementEvents: s.IncludeManagementEvents ?? true,
        DataResources: s.DataResources ?? [],
        ExcludeManagementEventSources: s.ExcludeManagementEventSources ?? [],
      }));
      await putTrail(ctx.tx, { ...trail, EventSelectors: selectors, AdvancedEventSelectors: undefined });
      return { TrailARN: trail.TrailARN, EventSelectors: selectors };
    }
    checkAdvancedEventSelectors(input.AdvancedEventSelectors!);
    await putTrail(ctx.tx, { ...trail, EventSelectors: undefined, AdvancedEventSelectors: input.AdvancedEventSelectors });
    return { TrailARN: trail.TrailARN, AdvancedEventSelectors: input.AdvancedEventSelectors };
  },
  lookupResources: resource,
  resourceArn: (input, ctx) => trailPolicyArn(ctx, input.TrailName),
});

export const GetEventSelectors = defineOperation<GetEventSelectorsRequest, GetEventSelectorsResponse>({
  name: 'GetEventSelectors',
  readOnly: true,
  input: structure({ TrailName: TrailNameOrArn }),
  output: selectorsOutput,
  async handler(ctx, input) {
    const trail = await requireTrail(ctx.tx, ctx.accountId, ctx.region, input.TrailName!);
    if (trail.AdvancedEventSelectors) return { TrailARN: trail.TrailARN, AdvancedEventSelectors: trail.AdvancedEventSelectors };
    return { TrailARN: trail.TrailARN, EventSelectors: trail.EventSelectors ?? DEFAULT_SELECTORS };
  },
  lookupResources: resource,
  resourceArn: (input, ctx) => trailPolicyArn(ctx, input.TrailName),
});
