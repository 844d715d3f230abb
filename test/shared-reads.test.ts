import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { StatsAnswerCache, type KeptAnswer } from '../src/http/stats-answer-cache.js';
import { LAYERED_TTL_MS, RecentValues } from '../src/store/recent-cache.js';
import { StoreEvents } from '../src/store/store-events.js';

/** A read the test finishes by hand, with the value it chooses. */
function stalled<V>(): { promise: Promise<V>; finish: (value: V) => void } {
  let finish: (value: V) => void = () => undefined;
  const promise = new Promise<V>((resolve) => (finish = resolve));
  return { promise, finish };
}

describe('reads shared by concurrent requests stay within the staleness api.md allows', () => {
  it('shares a lookup begun moments ago, but reads again when the one in flight began longer ago than a value may be kept', async () => {
    const ttlMs = 60;
    const values = new RecentValues<{ name: string }>(10, ttlMs);
    const old = stalled<{ name: string }>();
    let reads = 0;
    const first = values.load('bucket', () => (reads++, old.promise));
    const joined = values.load('bucket', () => (reads++, Promise.resolve({ name: 'not read' })));
    assert.equal(reads, 1, 'a lookup right after shares the read in flight');

    await sleep(ttlMs + 20);
    const late = values.load('bucket', () => (reads++, Promise.resolve({ name: 'renamed' })));
    assert.equal(reads, 2, 'a read that began more than the time to live ago is not shared');
    assert.deepEqual(await late, { name: 'renamed' });

    old.finish({ name: 'before the rename' });
    assert.deepEqual(await first, { name: 'before the rename' });
    assert.deepEqual(await joined, { name: 'before the rename' });
    assert.deepEqual(values.get('bucket'), { name: 'renamed' }, 'the stalled read, too old, is not kept over the fresh one');
  });

  it('joins an answer being computed only while it is younger than a kept answer may be', async () => {
    const answers = new StatsAnswerCache(new StoreEvents(), 7);
    const now = Date.parse('2024-03-20T12:00:00.000Z');
    const answer = (text: string): KeptAnswer => ({ body: Buffer.from(text), validFrom: now, validUntil: now + 10_000 });
    const old = stalled<KeptAnswer>();
    let computed = 0;
    const first = answers.answer('b', 19_802, now, () => (computed++, old.promise));
    const joined = answers.answer('b', 19_802, now, () => (computed++, Promise.resolve(answer('not computed'))));
    await sleep(0);
    assert.equal(computed, 1, 'a request right after shares the computation');

    await sleep(LAYERED_TTL_MS + 50);
    const late = answers.answer('b', 19_802, now, () => (computed++, Promise.resolve(answer('fresh'))));
    await sleep(0);
    assert.equal(computed, 2, 'a computation that began longer ago than an answer may be kept is not shared');
    assert.equal((await late).toString(), 'fresh');

    old.finish(answer('stale'));
    assert.equal((await first).toString(), 'stale');
    assert.equal((await joined).toString(), 'stale');
  });
});
