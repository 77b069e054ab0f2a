// ListPublicKeys: the region's digest signing public keys whose validity overlaps the range.
import type { ListPublicKeysRequest, ListPublicKeysResponse } from '@aws-sdk/client-cloudtrail';
import { PageTokens } from '../../aws/pagination.ts';
import { string, structure, timestamp } from '../../aws/shapes.ts';
import { publicKeysBetween } from '../../integrity/keys.ts';
import { defineOperation } from '../service.ts';
import { InvalidTimeRangeException, InvalidTokenException } from './errors.ts';

const PAGE = 50;

export const ListPublicKeys = defineOperation<ListPublicKeysRequest, ListPublicKeysResponse>({
  name: 'ListPublicKeys',
  readOnly: true,
  input: structure({ StartTime: timestamp(), EndTime: timestamp(), NextToken: string() }),
  async handler(ctx, input) {
    // Missing ends mean "now": without a range the answer is the key that signs today.
    const start = input.StartTime ?? ctx.now;
    const end = input.EndTime ?? ctx.now;
    if (start.getTime() > end.getTime()) throw new InvalidTimeRangeException('Start time must be earlier than or equal to end time.');
    const query = { StartTime: input.StartTime?.getTime(), EndTime: input.EndTime?.getTime(), region: ctx.region };
    const tokens = new PageTokens(ctx.app.box.derive('cloudtrail-public-key-token'));
    let from = 0;
    if (input.NextToken !== undefined) {
      const position = tokens.decode<number>(input.NextToken, query);
      if (position === undefined) throw new InvalidTokenException('Invalid token.');
      from = position;
    }
    const keys = await publicKeysBetween(ctx.tx, ctx.region, start, end);
    const page = keys.slice(from, from + PAGE);
    return {
      PublicKeyList: page.map((k) => ({ Value: k.der, ValidityStartTime: k.validFrom, ValidityEndTime: k.validTo, Fingerprint: k.fingerprint })),
      ...(from + PAGE < keys.length ? { NextToken: tokens.encode(from + PAGE, query) } : {}),
    };
  },
});
