import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeItem } from '../feed/change.view';
import { advanceTo, backoffMs, coalesce } from './coalesce';

function change(resourceId: string, kind: ChangeItem['kind'], fields: string[] = []): ChangeItem {
  return {
    id: `${resourceId}-${kind}-${Math.random()}`,
    cursor: '',
    kind,
    at: new Date(),
    source: 'sync',
    runId: null,
    eventId: null,
    changedFields: fields,
    resource: { id: resourceId } as ChangeItem['resource'],
  };
}

describe('coalescing and cursor advance', () => {
  it('folds one resource to its latest change, keeps created, never folds a deletion away', () => {
    const out = coalesce([
      { item: change('a', 'created'), seq: 1n },
      { item: change('b', 'updated', ['X']), seq: 2n },
      { item: change('a', 'updated', ['Y']), seq: 3n },
      { item: change('b', 'updated', ['Z']), seq: 4n },
      { item: change('c', 'updated'), seq: 5n },
      { item: change('c', 'deleted'), seq: 6n },
      { item: change('c', 'created'), seq: 7n },
    ]);
    assert.deepEqual(
      out.map((o) => [o.item.resource.id, o.item.kind, o.covers.map(Number)]),
      [
        ['a', 'created', [1, 3]],
        ['b', 'updated', [2, 4]],
        ['c', 'deleted', [5, 6]],
        ['c', 'created', [7]],
      ],
    );
    assert.deepEqual(out[1].item.changedFields, ['X', 'Z']);
  });

  it('moves the cursor to just before the first failed position, or to next when all succeeded', () => {
    const items = coalesce([
      { item: change('a', 'updated'), seq: 11n },
      { item: change('b', 'updated'), seq: 12n },
      { item: change('a', 'updated'), seq: 13n },
    ]);
    // items: b(12), a(11,13)
    assert.equal(advanceTo(items, [false, false], 10n, 20n), 20n);
    assert.equal(advanceTo(items, [false, true], 10n, 20n), 10n); // a failed: its first position is 11
    assert.equal(advanceTo(items, [true, false], 10n, 20n), 11n);
  });

  it('backs off exponentially with jitter under a ceiling', () => {
    assert.equal(
      backoffMs(1, 1000, 60_000, () => 1),
      1000,
    );
    assert.equal(
      backoffMs(1, 1000, 60_000, () => 0),
      500,
    );
    assert.equal(
      backoffMs(4, 1000, 60_000, () => 1),
      8000,
    );
    assert.equal(
      backoffMs(30, 1000, 60_000, () => 1),
      60_000,
    );
  });
});
