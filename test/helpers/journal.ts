// A journal entry for the store's tests: a CreateAccount event of 2026-11-20, with what a test
// needs overridden.
import { newEventId } from '../../src/audit/event-id.ts';
import type { JournalEntry } from '../../src/storage/store.ts';

export function journalEntry(over: Partial<JournalEntry> = {}): JournalEntry {
  const eventId = over.eventId ?? newEventId();
  return {
    accountId: '123456789012',
    region: 'us-east-1',
    eventId,
    eventTime: new Date('2026-11-20T10:00:00Z'),
    eventName: 'CreateAccount',
    eventSource: 'chime.amazonaws.com',
    readOnly: false,
    category: 'Management',
    resources: [],
    record: JSON.stringify({ eventID: eventId }),
    ...over,
  };
}
