/**
 * Can the OLD app (built against `old`) run on the CURRENT schema (`current`)? Every table,
 * column, type and enum value the old schema had must still be there compatibly, and a new
 * NOT NULL column without a default breaks the old app's INSERTs. Pure.
 */
import type { Catalog, CatalogColumn, CatalogTable } from './catalog.js';
import { cmp } from './catalog.js';

export interface CompatIssue {
  /** break: the old app fails; risk: it may misbehave (new values, new constraints). */
  severity: 'break' | 'risk';
  object:
    | 'table'
    | 'column'
    | 'enum'
    | 'enum value'
    | 'view'
    | 'function'
    | 'domain'
    | 'constraint'
    | 'index';
  name: string;
  message: string;
}

const INT_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 };

/** Is a column type change safe for the old app? 'same' | 'widened' (reads may differ) | 'incompatible'. */
export function typeChange(oldType: string, newType: string): 'same' | 'widened' | 'incompatible' {
  if (oldType === newType) return 'same';
  const vc = /^character varying(?:\((\d+)\))?$/;
  const o = vc.exec(oldType);
  const n = vc.exec(newType);
  if (o && n) return !n[1] || (o[1] && Number(n[1]) >= Number(o[1])) ? 'same' : 'incompatible';
  if (o && newType === 'text') return 'same';
  const num = /^numeric(?:\((\d+),(\d+)\))?$/;
  const on = num.exec(oldType);
  const nn = num.exec(newType);
  if (on && nn) {
    if (!nn[1]) return 'same';
    if (!on[1]) return 'incompatible';
    const [p1, s1, p2, s2] = [on[1], on[2], nn[1], nn[2]].map(Number) as [number, number, number, number];
    return s2 >= s1 && p2 - s2 >= p1 - s1 ? 'same' : 'incompatible';
  }
  const oi = INT_RANK[oldType];
  const ni = INT_RANK[newType];
  if (oi && ni) return ni > oi ? 'widened' : 'incompatible';
  if (oldType === 'timestamp without time zone' && newType === 'timestamp with time zone') return 'widened';
  return 'incompatible';
}

function required(c: CatalogColumn): boolean {
  return c.notNull && c.default === undefined && !c.identity && !c.generated;
}

function compareTable(o: CatalogTable, n: CatalogTable, out: CompatIssue[]): void {
  const ncols = new Map(n.columns.map((c) => [c.name, c]));
  const ocols = new Set(o.columns.map((c) => c.name));
  for (const oc of o.columns) {
    const nc = ncols.get(oc.name);
    const name = `${o.name}.${oc.name}`;
    if (!nc) {
      out.push({
        severity: 'break',
        object: 'column',
        name,
        message: `column ${name} is gone (dropped or renamed): the old app's reads and writes of it fail`,
      });
      continue;
    }
    const t = typeChange(oc.type, nc.type);
    if (t === 'incompatible')
      out.push({
        severity: 'break',
        object: 'column',
        name,
        message: `column ${name} changed type ${oc.type} → ${nc.type}: old values and parameters may not fit`,
      });
    else if (t === 'widened')
      out.push({
        severity: 'risk',
        object: 'column',
        name,
        message: `column ${name} widened ${oc.type} → ${nc.type}: the old app may not read the new range`,
      });
    if (!oc.notNull && nc.notNull)
      out.push({
        severity: nc.default === undefined ? 'break' : 'risk',
        object: 'column',
        name,
        message: `column ${name} became NOT NULL: old writes of NULL fail`,
      });
    if (oc.default !== undefined && nc.default === undefined && required(nc))
      out.push({
        severity: 'break',
        object: 'column',
        name,
        message: `column ${name} lost its default and is NOT NULL: old INSERTs that omit it fail`,
      });
  }
  for (const nc of n.columns)
    if (!ocols.has(nc.name) && required(nc))
      out.push({
        severity: 'break',
        object: 'column',
        name: `${n.name}.${nc.name}`,
        message: `new column ${n.name}.${nc.name} is NOT NULL without a default: the old app's INSERTs fail`,
      });
  const ocons = new Set(o.constraints.map((c) => c.name));
  for (const c of n.constraints)
    if (!ocons.has(c.name) && (c.type === 'check' || c.type === 'foreign key' || c.type === 'unique'))
      out.push({
        severity: 'risk',
        object: 'constraint',
        name: `${n.name}.${c.name}`,
        message: `new ${c.type} constraint ${c.name} on ${n.name}: old writes may violate it (${c.definition})`,
      });
  // a unique index (partial or not) rejects duplicates like a unique constraint; the index that backs
  // a constraint is the constraint's, already compared above
  const backing = new Set(n.constraints.map((c) => c.name));
  const oindexes = new Map(o.indexes.map((i) => [i.name, i]));
  for (const i of n.indexes) {
    if (!/^CREATE UNIQUE INDEX /i.test(i.definition) || backing.has(i.name)) continue;
    const before = oindexes.get(i.name);
    if (before && /^CREATE UNIQUE INDEX /i.test(before.definition)) continue;
    const partial = / WHERE /i.test(i.definition);
    out.push({
      severity: 'risk',
      object: 'index',
      name: `${n.name}.${i.name}`,
      message: `new ${partial ? 'partial ' : ''}unique index ${i.name} on ${n.name}: old writes of duplicates${partial ? ' in the rows it covers' : ''} fail (${i.definition})`,
    });
  }
}

export function oldAppOnCurrentSchema(old: Catalog, current: Catalog): CompatIssue[] {
  const out: CompatIssue[] = [];
  const ntables = new Map(current.tables.map((t) => [t.name, t]));
  for (const ot of old.tables) {
    const nt = ntables.get(ot.name);
    if (!nt)
      out.push({
        severity: 'break',
        object: 'table',
        name: ot.name,
        message: `table ${ot.name} is gone (dropped or renamed): the old app's queries on it fail`,
      });
    else compareTable(ot, nt, out);
  }
  const nenums = new Map(current.enums.map((e) => [e.name, e]));
  for (const oe of old.enums) {
    const ne = nenums.get(oe.name);
    if (!ne) {
      out.push({ severity: 'break', object: 'enum', name: oe.name, message: `enum type ${oe.name} is gone` });
      continue;
    }
    for (const v of oe.values)
      if (!ne.values.includes(v))
        out.push({
          severity: 'break',
          object: 'enum value',
          name: `${oe.name}.${v}`,
          message: `enum value '${v}' of ${oe.name} is gone (renamed?): old writes of it fail`,
        });
    for (const v of ne.values)
      if (!oe.values.includes(v))
        out.push({
          severity: 'risk',
          object: 'enum value',
          name: `${oe.name}.${v}`,
          message: `new enum value '${v}' of ${oe.name}: the old app may read a value it does not know`,
        });
  }
  const nviews = new Set(current.views.map((v) => v.name));
  for (const v of old.views)
    if (!nviews.has(v.name))
      out.push({ severity: 'break', object: 'view', name: v.name, message: `view ${v.name} is gone` });
  const nfuncs = new Set(current.functions.map((f) => f.signature));
  for (const f of old.functions)
    if (!nfuncs.has(f.signature))
      out.push({
        severity: 'break',
        object: 'function',
        name: f.signature,
        message: `function ${f.signature} is gone or its arguments changed`,
      });
  const ndomains = new Set(current.domains.map((d) => d.name));
  for (const d of old.domains)
    if (!ndomains.has(d.name))
      out.push({ severity: 'break', object: 'domain', name: d.name, message: `domain ${d.name} is gone` });
  return out.sort((a, b) => cmp(a.severity, b.severity) || cmp(a.name, b.name) || cmp(a.message, b.message));
}
