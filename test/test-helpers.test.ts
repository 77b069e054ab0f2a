// The test helpers themselves: a test run leaves nothing behind on the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

test('directories made by tempDir, with files in them, are removed when the test process exits', () => {
  const script = `
    import { writeFileSync } from 'node:fs';
    import { join } from 'node:path';
    import { tempDir } from './test/helpers/server.ts';
    const dir = tempDir();
    writeFileSync(join(dir, 'opentrail.db'), 'x');
    console.log(dir);`;
  const dir = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
  assert.match(dir, /opentrail-test-/);
  assert.equal(existsSync(dir), false);
});
