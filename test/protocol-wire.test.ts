// How protocols write a handler's output: timestamps and blobs as each wire wants them, wherever
// they sit, without touching the output itself (handlers may hand out objects they keep).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringifyWith } from '../src/aws/protocols/protocol.ts';

test('timestamps and blobs are written at any depth, the rest as it is, and the output is left unchanged', () => {
  const at = new Date('2026-12-04T18:00:00.250Z');
  const shared = { Name: 'kept', Tags: [{ Key: 'k', Value: 'v' }] };
  const output = {
    Events: [
      { EventId: 'a', EventTime: at, Resources: [{ ResourceName: 'r' }] },
      { EventId: 'b', Nested: { Deeper: [null, { At: at, Blob: new Uint8Array([104, 105]) }] }, Shared: shared },
    ],
    Plain: shared,
    Count: 2,
  };
  const before = structuredClone(output);

  assert.deepEqual(JSON.parse(stringifyWith(output, (d) => d.getTime() / 1000)), {
    Events: [
      { EventId: 'a', EventTime: 1796407200.25, Resources: [{ ResourceName: 'r' }] },
      { EventId: 'b', Nested: { Deeper: [null, { At: 1796407200.25, Blob: 'aGk=' }] }, Shared: shared },
    ],
    Plain: shared,
    Count: 2,
  });
  assert.equal(
    stringifyWith({ When: [at] }, (d) => d.toISOString()),
    '{"When":["2026-12-04T18:00:00.250Z"]}',
  );
  assert.deepEqual(output, before);
  assert.ok(output.Events[0].EventTime instanceof Date);
});
