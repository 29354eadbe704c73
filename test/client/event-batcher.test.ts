import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBatcher, type Timers } from '../../client/src/panel/event-batcher';

/** Timers driven by the test: advance(ms) runs what is due. */
function fakeTimers() {
  let now = 0;
  let queue: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const id = next++;
      queue.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => (queue = queue.filter((t) => t.id !== id)),
    now: () => now,
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of queue.filter((q) => q.at <= now)) {
      queue = queue.filter((q) => q !== t);
      t.fn();
    }
  };
  return { timers, advance };
}

test('events are sent in batches, at most once per interval', () => {
  const { timers, advance } = fakeTimers();
  const sent: number[][] = [];
  const b = new EventBatcher<number>((items) => sent.push(items), 250, timers);
  b.push(1);
  b.push(2);
  advance(0);
  assert.deepEqual(sent, [[1, 2]]);
  for (let i = 3; i < 100; i++) {
    b.push(i);
    advance(10);
  }
  // ~970 ms of pushes every 10 ms: four or five messages, not a hundred.
  assert.ok(sent.length <= 5, `sent ${sent.length} messages`);
  advance(250);
  assert.deepEqual(
    sent.flat(),
    Array.from({ length: 99 }, (_, i) => i + 1),
  );
});

test('flush sends at once; clear drops what is pending', () => {
  const { timers, advance } = fakeTimers();
  const sent: string[][] = [];
  const b = new EventBatcher<string>((items) => sent.push(items), 250, timers);
  b.push('a');
  b.flush();
  assert.deepEqual(sent, [['a']]);
  b.push('b');
  b.clear();
  advance(1000);
  assert.deepEqual(sent, [['a']]);
});
