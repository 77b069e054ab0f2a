// Benchmark verdicts (bench/lib/results.ts): decided on the measured value, not on the figure shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, atMost } from '../bench/lib/results.ts';

test('a goal is met or missed by the measured value; the figure shown never says otherwise', () => {
  const cases: [ReturnType<typeof atMost>, boolean, number][] = [
    // Shown to 3 significant digits when that agrees with the verdict.
    [atMost('p99', 9.9962, 10, 'ms'), true, 10],
    [atMost('p99', 4.91234, 10, 'ms'), true, 4.91],
    [atLeast('ratio', 0.85004, 0.85), true, 0.85],
    [atLeast('ratio', 0.8712, 0.85), true, 0.871],
    // Just past the goal: the 3 digits would round onto it, so more are shown.
    [atMost('p99', 10.04, 10, 'ms'), false, 10.04],
    [atMost('p99', 10.0004, 10, 'ms'), false, 10.0004],
    [atLeast('ratio', 0.8496, 0.85), false, 0.8496],
    [atLeast('ratio', 0.84999, 0.85), false, 0.84999],
  ];
  for (const [goal, pass, shown] of cases) {
    assert.equal(goal.pass, pass, `${goal.name} ${shown}`);
    assert.equal(goal.value, shown, `${goal.name} ${shown}`);
  }
});
