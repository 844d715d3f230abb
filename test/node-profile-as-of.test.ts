import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { profilesAsOf, type NodeHistory } from '../src/stats/node-profile-as-of.js';

const created = { ip: '10.0.0.1', host: 'a.example', region: 'eu', provider: 'p', version: '1.0.0' };
const change = (at: number, fields: Partial<typeof created>): NodeHistory['changes'][number] => ({
  at,
  ip: null,
  host: null,
  region: null,
  provider: null,
  version: null,
  ...fields,
});
const histories = new Map<string, NodeHistory>([
  ['n1', { created, changes: [change(100, { version: '1.1.0' }), change(200, { ip: '10.0.0.2', version: '1.2.0' })] }],
  ['n2', { created, changes: [] }],
]);

// spec/stats-semantics.md: version, ip and host as of the end of the period, from the newest registration before it.
describe('profilesAsOf', () => {
  it('applies the re-registrations dated before the instant, field by field, and names the next one', () => {
    const { byNode, nextChangeAt } = profilesAsOf(histories, ['n1', 'n2'], 200);
    assert.deepEqual(byNode.get('n1'), { ...created, version: '1.1.0' });
    assert.deepEqual(byNode.get('n2'), created);
    assert.equal(nextChangeAt, 200);
  });

  it('keeps the creation values before the first re-registration, and has no next change after the last', () => {
    assert.deepEqual(profilesAsOf(histories, ['n1'], 100).byNode.get('n1'), created);
    const after = profilesAsOf(histories, ['n1'], 201);
    assert.deepEqual(after.byNode.get('n1'), { ...created, ip: '10.0.0.2', version: '1.2.0' });
    assert.equal(after.nextChangeAt, Infinity);
  });

  it('leaves out a node without a history', () => {
    assert.deepEqual([...profilesAsOf(histories, ['n3', 'n2'], 0).byNode.keys()], ['n2']);
  });
});
