import assert from 'node:assert/strict';
import { InvalidInput } from '../../domain/problems';
import { combinations, consumeStock, routeFewestSplits, type RoutingItem } from '../../domain/routing';

const LOCATIONS = ['WH-EAST', 'WH-WEST', 'WH-NORTH'];
const EVERYWHERE = LOCATIONS;

function routed(items: RoutingItem[], availability?: Record<string, Record<string, number>>, order = LOCATIONS): Record<string, string> {
  return Object.fromEntries(routeFewestSplits(items, order, { availability }));
}

function short(items: RoutingItem[], availability: Record<string, Record<string, number>>): InvalidInput {
  try {
    routeFewestSplits(items, LOCATIONS, { availability, deliveryGroupId: 'DG-HQ' });
  } catch (error) {
    assert.ok(error instanceof InvalidInput);
    return error;
  }
  assert.fail('expected the order to be refused');
}

describe('routing: fewest splits', () => {
  const laptop = (id: string, quantity: number, candidates = EVERYWHERE): RoutingItem => ({ id, product: 'LAPTOP-14', quantity, candidates, path: `items[${id}]` });
  const monitor = (id: string, quantity: number, candidates = EVERYWHERE): RoutingItem => ({ id, product: 'MONITOR', quantity, candidates });

  it('prefers one location that fills everything over the first-listed one', () => {
    const availability = { 'WH-EAST': { 'LAPTOP-14': 2 }, 'WH-WEST': { 'LAPTOP-14': 5, MONITOR: 5 } };
    assert.deepEqual(routed([laptop('OI-1', 2), monitor('OI-2', 1)], availability), { 'OI-1': 'WH-WEST', 'OI-2': 'WH-WEST' });
  });

  it('uses a pair when no single location fills the delivery group', () => {
    const availability = { 'WH-EAST': { 'LAPTOP-14': 2 }, 'WH-WEST': { MONITOR: 1 }, 'WH-NORTH': {} };
    assert.deepEqual(routed([laptop('OI-1', 2), monitor('OI-2', 1)], availability), { 'OI-1': 'WH-EAST', 'OI-2': 'WH-WEST' });
  });

  it('breaks ties by the order locations are listed, for singles and for pairs', () => {
    const everywhere = { 'WH-EAST': { 'LAPTOP-14': 9 }, 'WH-WEST': { 'LAPTOP-14': 9 }, 'WH-NORTH': { 'LAPTOP-14': 9 } };
    assert.deepEqual(routed([laptop('OI-1', 3)], everywhere), { 'OI-1': 'WH-EAST' });
    assert.deepEqual(routed([laptop('OI-1', 3)], everywhere, ['WH-NORTH', 'WH-EAST', 'WH-WEST']), { 'OI-1': 'WH-NORTH' });
    // {EAST, WEST} and {EAST, NORTH} both work: the pair listed first wins; inside it, the earliest location that fits.
    const pairs = { 'WH-EAST': { 'LAPTOP-14': 2 }, 'WH-WEST': { MONITOR: 1 }, 'WH-NORTH': { MONITOR: 1 } };
    assert.deepEqual(routed([laptop('OI-1', 2), monitor('OI-2', 1)], pairs), { 'OI-1': 'WH-EAST', 'OI-2': 'WH-WEST' });
  });

  it('shares stock between items of the same product at the same location', () => {
    // Each location could take either item alone, but not both: one each.
    const availability = { 'WH-EAST': { 'LAPTOP-14': 3 }, 'WH-WEST': { 'LAPTOP-14': 3 } };
    assert.deepEqual(routed([laptop('OI-1', 2), laptop('OI-2', 2)], availability), { 'OI-1': 'WH-EAST', 'OI-2': 'WH-WEST' });
    // With enough at one location both go there.
    assert.deepEqual(routed([laptop('OI-1', 2), laptop('OI-2', 2)], { 'WH-EAST': { 'LAPTOP-14': 3 }, 'WH-WEST': { 'LAPTOP-14': 4 } }), {
      'OI-1': 'WH-WEST',
      'OI-2': 'WH-WEST',
    });
  });

  it('backtracks when the greedy choice for an earlier item would strand a later one', () => {
    // Greedy puts OI-1 at EAST (1 left), then OI-2 (3) fits nowhere; the solution is OI-1 at WEST, OI-2 at EAST.
    const availability = { 'WH-EAST': { 'LAPTOP-14': 3 }, 'WH-WEST': { 'LAPTOP-14': 2 } };
    assert.deepEqual(routed([laptop('OI-1', 2), laptop('OI-2', 3)], availability), { 'OI-1': 'WH-WEST', 'OI-2': 'WH-EAST' });
  });

  it('treats undefined availability as unlimited stock everywhere', () => {
    assert.deepEqual(routed([laptop('OI-1', 1000), monitor('OI-2', 50)]), { 'OI-1': 'WH-EAST', 'OI-2': 'WH-EAST' });
  });

  it('treats a location missing from availability as holding nothing', () => {
    assert.deepEqual(routed([laptop('OI-1', 1)], { 'WH-NORTH': { 'LAPTOP-14': 1 } }), { 'OI-1': 'WH-NORTH' });
  });

  it('keeps each item to its own candidate locations', () => {
    // OI-2 can only ship from WEST, so a single location means WEST for both.
    assert.deepEqual(routed([laptop('OI-1', 1), monitor('OI-2', 1, ['WH-WEST'])]), { 'OI-1': 'WH-WEST', 'OI-2': 'WH-WEST' });
    // Different single candidates force a pair even with unlimited stock.
    assert.deepEqual(routed([laptop('OI-1', 1, ['WH-NORTH']), monitor('OI-2', 1, ['WH-WEST'])]), { 'OI-1': 'WH-NORTH', 'OI-2': 'WH-WEST' });
  });

  it('refuses an order it cannot fill, naming each short item with requested and best available quantities', () => {
    const error = short([laptop('OI-1', 5), monitor('OI-2', 1)], { 'WH-EAST': { 'LAPTOP-14': 3, MONITOR: 1 }, 'WH-WEST': { 'LAPTOP-14': 2 } });
    assert.equal(error.subject, 'order');
    assert.deepEqual(error.problems, [
      {
        path: 'items[OI-1]',
        message: 'item OI-1 is short: LAPTOP-14 × 5 requested, best available at a single location is 3 (WH-EAST)',
        fix: 'restock or split the order',
      },
    ]);
    assert.match(error.message, /LAPTOP-14 × 5 requested/);
  });

  it('names every item of a product that is short as a whole', () => {
    // Each item fits somewhere alone, but 3 + 3 cannot be packed into 4 + 2.
    const error = short([laptop('OI-1', 3), laptop('OI-2', 3)], { 'WH-EAST': { 'LAPTOP-14': 4 }, 'WH-WEST': { 'LAPTOP-14': 2 } });
    assert.deepEqual(
      error.problems.map((p) => p.path),
      ['items[OI-1]', 'items[OI-2]'],
    );
    assert.equal(
      error.problems[1].message,
      'item OI-2 is short: LAPTOP-14 × 3 requested, best available at a single location is 4 (WH-EAST); together the LAPTOP-14 items in delivery group DG-HQ need 6 and no combination of locations holds them',
    );
  });

  it('refuses an item no location can ship', () => {
    assert.throws(() => routeFewestSplits([laptop('OI-1', 1, [])], LOCATIONS), (error: unknown) => {
      assert.ok(error instanceof InvalidInput);
      assert.match(error.problems[0].message, /no stock location/);
      return true;
    });
  });

  it('routes an empty delivery group to nothing', () => {
    assert.equal(routeFewestSplits([], LOCATIONS).size, 0);
  });

  it('lists combinations in lexicographic order', () => {
    assert.deepEqual([...combinations(4, 2)], [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    assert.deepEqual([...combinations(3, 3)], [[0, 1, 2]]);
  });

  it('subtracts what an assignment ships, without touching the input', () => {
    const availability = { 'WH-EAST': { 'LAPTOP-14': 3 } };
    const items = [laptop('OI-1', 2), monitor('OI-2', 1)];
    const remaining = consumeStock(availability, items, new Map([['OI-1', 'WH-EAST'], ['OI-2', 'WH-WEST']]));
    assert.deepEqual(remaining, { 'WH-EAST': { 'LAPTOP-14': 1 }, 'WH-WEST': { MONITOR: -1 } });
    assert.deepEqual(availability, { 'WH-EAST': { 'LAPTOP-14': 3 } });
  });

  it('routes 10,000 items quickly when one location fills them', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => laptop(`OI-${i}`, 1 + (i % 3), EVERYWHERE));
    const started = performance.now();
    const assignment = routeFewestSplits(items, LOCATIONS, { availability: { 'WH-EAST': { 'LAPTOP-14': 10 }, 'WH-WEST': { 'LAPTOP-14': 1_000_000 } } });
    assert.ok(performance.now() - started < 1000);
    assert.equal(assignment.get('OI-9999'), 'WH-WEST');
  });
});
