// PutInsightSelectors and GetInsightSelectors on trails. opentrail stores the selectors; it does
// not yet generate Insights events.
import type { GetInsightSelectorsRequest, GetInsightSelectorsResponse, PutInsightSelectorsRequest, PutInsightSelectorsResponse } from '@aws-sdk/client-cloudtrail';
import { list, required, string, structure } from '../../aws/shapes.ts';
import { putTrail } from '../../trails/model.ts';
import { requireHomeTrail, requireTrail } from '../../trails/resolve.ts';
import { logsManagement } from '../../trails/selectors.ts';
import { defineOperation } from '../service.ts';
import type { OperationContext } from '../service.ts';
import { InsightNotEnabledException, InvalidInsightSelectorsException, InvalidParameterCombinationException } from './errors.ts';
import { trailResource } from './shapes.ts';
import { arnOf, trailPolicyArn } from './trails.ts';

const InsightSelector = structure({
  InsightType: string({ enum: ['ApiCallRateInsight', 'ApiErrorRateInsight'] }),
  EventCategories: list(string({ enum: ['Management', 'Data'] })),
});
const output = structure({ TrailARN: string(), InsightSelectors: list(InsightSelector), EventDataStoreArn: string(), InsightsDestination: string() });
const resource = (input: { TrailName?: string }, _o: unknown, ctx: OperationContext) => trailResource(arnOf(ctx, input.TrailName));

/** Event data stores are not served: a call must name a trail. */
function trailNameOf(input: { TrailName?: string; EventDataStore?: string }): string {
  if (input.EventDataStore !== undefined || input.TrailName === undefined) {
    throw new InvalidParameterCombinationException('You must specify a TrailName; event data stores are not supported.');
  }
  return input.TrailName;
}

export const PutInsightSelectors = defineOperation<PutInsightSelectorsRequest, PutInsightSelectorsResponse>({
  name: 'PutInsightSelectors',
  readOnly: false,
  input: structure({ TrailName: string(), InsightSelectors: required(list(InsightSelector)), EventDataStore: string(), InsightsDestination: string() }),
  output,
  async handler(ctx, input) {
    const trail = await requireHomeTrail(ctx.tx, ctx.accountId, ctx.region, trailNameOf(input));
    const selectors = input.InsightSelectors!;
    const types = selectors.map((s) => s.InsightType);
    if (new Set(types).size !== types.length) throw new InvalidInsightSelectorsException('Each Insights type can be selected only once.');
    if (types.includes('ApiCallRateInsight') && !logsManagement(trail, 'write')) {
      throw new InvalidInsightSelectorsException('ApiCallRateInsight requires the trail to log write management events.');
    }
    if (types.includes('ApiErrorRateInsight') && !logsManagement(trail, 'any')) {
      throw new InvalidInsightSelectorsException('ApiErrorRateInsight requires the trail to log read or write management events.');
    }
    await putTrail(ctx.tx, { ...trail, InsightSelectors: selectors });
    return { TrailARN: trail.TrailARN, InsightSelectors: selectors };
  },
  lookupResources: resource,
  resourceArn: (input, ctx) => trailPolicyArn(ctx, input.TrailName),
});

export const GetInsightSelectors = defineOperation<GetInsightSelectorsRequest, GetInsightSelectorsResponse>({
  name: 'GetInsightSelectors',
  readOnly: true,
  input: structure({ TrailName: string(), EventDataStore: string() }),
  output,
  async handler(ctx, input) {
    const trail = await requireTrail(ctx.tx, ctx.accountId, ctx.region, trailNameOf(input));
    if (!trail.InsightSelectors?.length) {
      throw new InsightNotEnabledException(`Trail ${trail.Name} does not have Insights enabled. Edit the trail settings to enable Insights, and then try the operation again.`);
    }
    return { TrailARN: trail.TrailARN, InsightSelectors: trail.InsightSelectors };
  },
  lookupResources: resource,
  resourceArn: (input, ctx) => trailPolicyArn(ctx, input.TrailName),
});
