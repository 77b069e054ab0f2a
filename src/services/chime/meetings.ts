// CreateMeetingDialOut: what would dial a phone into a meeting. opentrail has no telephony, so
// the dial-out is recorded (with a transaction id the caller can correlate) and nothing is dialed.
import type { CreateMeetingDialOutRequest, CreateMeetingDialOutResponse } from '@aws-sdk/client-chime';
import { label, required, string, structure } from '../../aws/shapes.ts';
import { defineOperation } from '../service.ts';
import { AccessDeniedException, BadRequestException, ResourceLimitExceededException } from './errors.ts';
import { chimeResources, COLLECTIONS, iso, LIMITS, newId } from './model.ts';
import { normalizeE164, ownerOf } from './phone-inventory.ts';
import { E164, Guid } from './shapes.ts';

export const CreateMeetingDialOut = defineOperation<CreateMeetingDialOutRequest, CreateMeetingDialOutResponse>({
  name: 'CreateMeetingDialOut',
  readOnly: false,
  http: { method: 'POST', uri: '/meetings/{MeetingId}/dial-outs', status: 201 },
  input: structure({
    MeetingId: label(Guid),
    FromPhoneNumber: required(E164),
    ToPhoneNumber: required(E164),
    JoinToken: required(string({ min: 2, max: 2048, pattern: /^[a-zA-Z0-9+/]+$/, sensitive: true })),
  }),
  output: structure({ TransactionId: string() }),
  async handler(ctx, input) {
    const from = normalizeE164(input.FromPhoneNumber!);
    const to = normalizeE164(input.ToPhoneNumber!);
    // As AWS does, the caller id must be a number of the caller's own inventory.
    if ((await ownerOf(ctx, from)) !== ctx.accountId) throw new AccessDeniedException(`The From number does not belong to this AWS account.`);
    if (from === to) throw new BadRequestException('The From and To numbers must differ.');
    const meetingId = input.MeetingId!.toLowerCase();
    if ((await ctx.tx.docs.count(COLLECTIONS.DIAL_OUTS, `${ctx.accountId}:${meetingId}`)) >= LIMITS.dialOutsPerMeeting) {
      throw new ResourceLimitExceededException(`A meeting can have at most ${LIMITS.dialOutsPerMeeting} dial-outs.`);
    }
    const transactionId = newId();
    // The join token is a credential: only the fact of the dial-out is kept.
    await ctx.tx.docs.put(
      { collection: COLLECTIONS.DIAL_OUTS, partition: `${ctx.accountId}:${meetingId}`, id: transactionId },
      { TransactionId: transactionId, MeetingId: meetingId, FromPhoneNumber: from, ToPhoneNumber: to, CreatedTimestamp: iso(ctx.now) },
    );
    return { TransactionId: transactionId };
  },
  lookupResources: (input) => chimeResources(['Meeting', input.MeetingId]),
});
