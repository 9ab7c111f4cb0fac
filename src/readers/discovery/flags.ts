import type { Evidence, Flag, FlagRef, FlagSource } from '../../model/service.js';
import { cmp } from '../../util/order.js';
import { lineAt } from './text.js';
import { arr, bool, get, isObj, obj, str, type YamlDoc } from './yaml.js';

const KILL_NAME =
  /kill[-_.]?switch|^(kill|disable|circuit[-_]?breaker|emergency)[-_.]|[-_.](kill|off[-_]switch)$/i;

export function isFlagd(v: unknown): boolean {
  if (!isObj(v) || !isObj(v.flags)) return false;
  if (typeof v.$schema === 'string' && v.$schema.includes('flagd')) return true;
  const flags = Object.values(v.flags);
  return flags.length > 0 && flags.every((f) => isObj(f) && isObj(f.variants));
}

/** flagd flag definitions (JSON or YAML): state, variants, defaultVariant, targeting, metadata. */
export function readFlagd(doc: YamlDoc): { source: FlagSource; flags: Flag[] } {
  const flags: Flag[] = [];
  for (const [key, def] of Object.entries(obj(get(doc.value, 'flags')))) {
    const meta = obj(get(def, 'metadata'));
    const metaKill =
      bool(meta.killSwitch) === true ||
      str(meta.type) === 'kill-switch' ||
      str(meta.flagType) === 'kill-switch';
    const nameKill = KILL_NAME.test(key);
    const f: Flag = {
      key,
      provider: 'flagd',
      killSwitch: metaKill || nameKill,
      at: doc.at(
        ['flags', key],
        metaKill ? 'metadata marks it a kill switch' : nameKill ? 'named as a kill switch' : undefined,
      ),
    };
    if (!f.at?.note && f.at) delete f.at.note;
    const dv = str(get(def, 'defaultVariant'));
    if (dv !== undefined) f.defaultVariant = dv;
    const state = str(get(def, 'state'));
    if (state) f.state = state;
    if (isObj(get(def, 'targeting')) && Object.keys(obj(get(def, 'targeting'))).length)
      f.strategies = ['targeting'];
    flags.push(f);
  }
  return { source: { provider: 'flagd', file: doc.file, at: doc.at(['flags']) }, flags };
}

export function isUnleashExport(v: unknown): boolean {
  return (
    isObj(v) &&
    Array.isArray(v.features) &&
    arr(v.features).every((f) => isObj(f) && typeof f.name === 'string')
  );
}

/** Unleash feature export (legacy `version`+`features[].strategies`, or `featureStrategies`/`featureEnvironments`). */
export function readUnleash(doc: YamlDoc): { source: FlagSource; flags: Flag[] } {
  const v = obj(doc.value);
  const strategiesByFeature = new Map<string, string[]>();
  for (const s of arr(v.featureStrategies)) {
    const name = str(get(s, 'featureName'));
    if (!name) continue;
    const list = strategiesByFeature.get(name) ?? [];
    list.push(describeStrategy(s, str(get(s, 'environment'))));
    strategiesByFeature.set(name, list);
  }
  const enabledIn = new Map<string, string[]>();
  for (const e of arr(v.featureEnvironments)) {
    const name = str(get(e, 'featureName'));
    const env = str(get(e, 'environment'));
    if (name && env && bool(get(e, 'enabled')) === true)
      enabledIn.set(name, [...(enabledIn.get(name) ?? []), env]);
  }
  const flags = arr(v.features).map((feat, i): Flag => {
    const name = str(get(feat, 'name')) as string;
    const type = str(get(feat, 'type'));
    const f: Flag = {
      key: name,
      provider: 'unleash',
      killSwitch: type === 'kill-switch',
      at: doc.at(['features', i], type ? `type ${type}` : undefined),
    };
    if (f.at && !f.at.note) delete f.at.note;
    const enabled = bool(get(feat, 'enabled'));
    if (enabled !== undefined) f.state = enabled ? 'enabled' : 'disabled';
    else if (enabledIn.has(name)) f.state = `enabled in ${(enabledIn.get(name) ?? []).sort(cmp).join(', ')}`;
    const strategies = [
      ...arr(get(feat, 'strategies')).map((s) => describeStrategy(s)),
      ...(strategiesByFeature.get(name) ?? []),
    ];
    if (strategies.length) f.strategies = strategies.sort(cmp);
    return f;
  });
  return { source: { provider: 'unleash', file: doc.file, at: doc.at(['features']) }, flags };
}

function describeStrategy(s: unknown, env?: string): string {
  const name = str(get(s, 'name')) ?? 'default';
  const rollout = str(get(s, 'parameters', 'rollout'));
  return `${env ? `${env}: ` : ''}${name}${rollout ? ` ${rollout}%` : ''}`;
}

/** SDK calls that evaluate a flag by key: OpenFeature, Unleash, flagd, LaunchDarkly styles. */
const FLAG_CALL =
  /\b(?:get(?:Boolean|String|Number|Integer|Float|Object)(?:Value|Details)|get_(?:boolean|string|integer|float|object)_(?:value|details)|(?:Boolean|String|Int|Float|Object)(?:Value|ValueDetails)|isEnabled|is_enabled|IsEnabled|useFlag|useVariant|(?:bool|string|json|number)Variation|variation)\(\s*(?:ctx\s*,\s*|context\s*,\s*)?["'`]([A-Za-z0-9_.:-]{2,100})["'`]/g;

export const SOURCE_EXT = /\.(ts|tsx|js|jsx|mjs|cjs|go|py|java|kt|rb|cs|php|rs|swift|scala)$/;

/** Flag keys evaluated in a source file, with their lines. */
export function flagRefsIn(file: string, text: string): FlagRef[] {
  const out: FlagRef[] = [];
  for (const m of text.matchAll(FLAG_CALL)) {
    if (!m[1]) continue;
    const at: Evidence = { file, line: lineAt(text, m.index ?? 0) };
    out.push({ key: m[1], at });
  }
  return out;
}
