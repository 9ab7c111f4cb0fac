import { describe, expect, it } from 'vitest';
import {
  type Catalog,
  type CatalogTable,
  describeDifference,
  diffCatalogs,
  emptyCatalog,
} from '../../src/schema/catalog.js';
import { oldAppOnCurrentSchema, typeChange } from '../../src/schema/compat.js';

function table(
  name: string,
  columns: CatalogTable['columns'],
  constraints: CatalogTable['constraints'] = [],
): CatalogTable {
  return { name, partitioned: false, columns, constraints, indexes: [], triggers: [] };
}
function catalog(over: Partial<Catalog>): Catalog {
  return { ...emptyCatalog(), ...over };
}

const OLD = catalog({
  tables: [
    table('public.orders', [
      { name: 'id', type: 'bigint', notNull: true, identity: 'always' },
      { name: 'note', type: 'character varying(20)', notNull: false },
      { name: 'qty', type: 'integer', notNull: true, default: '1' },
      { name: 'total', type: 'numeric(10,2)', notNull: true },
    ]),
    table('public.legacy', [{ name: 'id', type: 'integer', notNull: true }]),
  ],
  enums: [{ name: 'public.status', values: ['new', 'paid', 'void'] }],
  views: [{ name: 'public.v', materialized: false, definition: 'SELECT 1' }],
  functions: [
    { signature: 'public.f(integer)', kind: 'function', result: 'integer', language: 'sql', bodyHash: 'x' },
  ],
});

describe('old app on the current schema', () => {
  it('classifies every kind of change', () => {
    const current = catalog({
      tables: [
        table(
          'public.orders',
          [
            { name: 'id', type: 'bigint', notNull: true, identity: 'always' },
            { name: 'note', type: 'text', notNull: true },
            { name: 'qty', type: 'bigint', notNull: true },
            { name: 'total', type: 'numeric(12,2)', notNull: true },
            { name: 'currency', type: 'text', notNull: true },
            { name: 'created_at', type: 'timestamp with time zone', notNull: true, default: 'now()' },
          ],
          [{ name: 'qty_positive', type: 'check', definition: 'CHECK (qty > 0)' }],
        ),
      ],
      enums: [{ name: 'public.status', values: ['new', 'paid', 'refunded'] }],
      functions: [
        {
          signature: 'public.f(bigint)',
          kind: 'function',
          result: 'integer',
          language: 'sql',
          bodyHash: 'x',
        },
      ],
    });
    expect(
      oldAppOnCurrentSchema(OLD, current).map((i) => `${i.severity} ${i.object} ${i.name}: ${i.message}`),
    ).toMatchInlineSnapshot(`
        [
          "break function public.f(integer): function public.f(integer) is gone or its arguments changed",
          "break table public.legacy: table public.legacy is gone (dropped or renamed): the old app's queries on it fail",
          "break column public.orders.currency: new column public.orders.currency is NOT NULL without a default: the old app's INSERTs fail",
          "break column public.orders.note: column public.orders.note became NOT NULL: old writes of NULL fail",
          "break column public.orders.qty: column public.orders.qty lost its default and is NOT NULL: old INSERTs that omit it fail",
          "break enum value public.status.void: enum value 'void' of public.status is gone (renamed?): old writes of it fail",
          "break view public.v: view public.v is gone",
          "risk column public.orders.qty: column public.orders.qty widened integer → bigint: the old app may not read the new range",
          "risk constraint public.orders.qty_positive: new check constraint qty_positive on public.orders: old writes may violate it (CHECK (qty > 0))",
          "risk enum value public.status.refunded: new enum value 'refunded' of public.status: the old app may read a value it does not know",
        ]
      `);
  });

  it('finds nothing when the schema only grew compatibly', () => {
    const current = structuredClone(OLD);
    current.tables[0]?.columns.push({ name: 'extra', type: 'text', notNull: false });
    current.tables[0]?.columns.push({ name: 'n', type: 'integer', notNull: true, default: '0' });
    current.tables.push(table('public.new_table', [{ name: 'id', type: 'integer', notNull: true }]));
    expect(oldAppOnCurrentSchema(OLD, current)).toEqual([]);
  });

  it.each([
    ['integer', 'integer', 'same'],
    ['character varying(20)', 'character varying(40)', 'same'],
    ['character varying(40)', 'character varying(20)', 'incompatible'],
    ['character varying(20)', 'text', 'same'],
    ['text', 'character varying(20)', 'incompatible'],
    ['numeric(10,2)', 'numeric(12,2)', 'same'],
    ['numeric(10,2)', 'numeric(10,3)', 'incompatible'],
    ['numeric(10,2)', 'numeric', 'same'],
    ['integer', 'bigint', 'widened'],
    ['bigint', 'integer', 'incompatible'],
    ['timestamp without time zone', 'timestamp with time zone', 'widened'],
    ['text', 'jsonb', 'incompatible'],
  ])('type %s → %s is %s', (a, b, want) => {
    expect(typeChange(a, b)).toBe(want);
  });
});

describe('catalog diff', () => {
  it('returns typed differences in a stable order', () => {
    const after = structuredClone(OLD);
    after.tables = after.tables.filter((t) => t.name !== 'public.legacy');
    const orders = after.tables[0] as CatalogTable;
    orders.columns = orders.columns.filter((c) => c.name !== 'note');
    (orders.columns[1] as { default?: string }).default = '2';
    orders.indexes.push({
      name: 'orders_qty',
      definition: 'CREATE INDEX orders_qty ON public.orders USING btree (qty)',
    });
    after.enums = [{ name: 'public.status', values: ['paid', 'new', 'void', 'refunded'] }];
    after.views = [];
    const diffs = diffCatalogs(OLD, after);
    expect(diffs.map(describeDifference)).toMatchInlineSnapshot(`
      [
        "removed column public.orders.note",
        "changed column public.orders.qty default: 1 → 2",
        "added index public.orders.orders_qty",
        "removed table public.legacy",
        "removed view public.v",
        "added enum value public.status.refunded",
        "changed enum public.status values order: new, paid, void → paid, new, void, refunded",
      ]
    `);
    expect(diffs).toContainEqual({ change: 'removed', object: 'table', name: 'public.legacy' });
    expect(diffCatalogs(OLD, structuredClone(OLD))).toEqual([]);
  });
});

describe('uniqueness', () => {
  const t = (indexes: CatalogTable['indexes'], constraints: CatalogTable['constraints'] = []) =>
    catalog({
      tables: [
        { ...table('public.users', [{ name: 'email', type: 'text', notNull: false }], constraints), indexes },
      ],
    });
  it('a new unique index and a new partial unique index count like unique constraints', () => {
    const current = t([
      {
        name: 'users_email_idx',
        definition: 'CREATE UNIQUE INDEX users_email_idx ON public.users USING btree (email)',
      },
      {
        name: 'users_live_idx',
        definition:
          'CREATE UNIQUE INDEX users_live_idx ON public.users USING btree (email) WHERE (email IS NOT NULL)',
      },
      {
        name: 'users_plain_idx',
        definition: 'CREATE INDEX users_plain_idx ON public.users USING btree (email)',
      },
    ]);
    const issues = oldAppOnCurrentSchema(t([]), current);
    expect(issues.map((i) => [i.severity, i.object, i.name])).toEqual([
      ['risk', 'index', 'public.users.users_email_idx'],
      ['risk', 'index', 'public.users.users_live_idx'],
    ]);
    expect(issues[1]?.message).toContain('partial unique index');
  });
  it('the index backing a unique constraint is reported once, as the constraint', () => {
    const current = t(
      [
        {
          name: 'users_email_key',
          definition: 'CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)',
        },
      ],
      [{ name: 'users_email_key', type: 'unique', definition: 'UNIQUE (email)' }],
    );
    expect(oldAppOnCurrentSchema(t([]), current).map((i) => i.object)).toEqual(['constraint']);
  });
  it('a unique index the old schema already had is no change', () => {
    const idx = [{ name: 'u', definition: 'CREATE UNIQUE INDEX u ON public.users USING btree (email)' }];
    expect(oldAppOnCurrentSchema(t(idx), t(idx))).toEqual([]);
  });
});
