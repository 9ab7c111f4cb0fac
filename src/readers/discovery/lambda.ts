import type { LambdaFacts } from '../../model/facts.js';
import type { RolloutSettings, Workload } from '../../model/service.js';
import { cmp } from '../../util/order.js';
import { readSamConfig } from './sam-config.js';
import { arr, get, isObj, num, obj, str, type YamlDoc } from './yaml.js';

/** AWS SAM template: AWS::Serverless::Function resources (AutoPublishAlias, DeploymentPreference). */
export function isSam(v: unknown): boolean {
  const t = get(v, 'Transform');
  const transforms = Array.isArray(t) ? t : [t];
  return (
    transforms.some((x) => typeof x === 'string' && x.startsWith('AWS::Serverless')) &&
    isObj(get(v, 'Resources'))
  );
}

export function readSam(doc: YamlDoc): Workload[] {
  const out: Workload[] = [];
  const resources = obj(get(doc.value, 'Resources'));
  const globals = obj(get(doc.value, 'Globals', 'Function'));
  for (const [id, r] of Object.entries(resources).sort(([a], [b]) => cmp(a, b))) {
    if (str(get(r, 'Type')) !== 'AWS::Serverless::Function') continue;
    const props = obj(get(r, 'Properties'));
    const base = ['Resources', id, 'Properties'];
    const alias = str(props.AutoPublishAlias) ?? str(globals.AutoPublishAlias);
    const lambda: LambdaFacts = { function: str(props.FunctionName) ?? id, logicalId: id };
    if (alias) lambda.alias = alias;
    const dp = obj(props.DeploymentPreference ?? globals.DeploymentPreference);
    const s: RolloutSettings = {};
    if (str(dp.Type)) {
      s.strategy = { value: str(dp.Type) as string, at: doc.at([...base, 'DeploymentPreference', 'Type']) };
      const alarms = arr(dp.Alarms).length;
      if (alarms) lambda.alarms = alarms;
    }
    const pc = num(
      props.ProvisionedConcurrencyConfig &&
        get(props, 'ProvisionedConcurrencyConfig', 'ProvisionedConcurrentExecutions'),
    );
    if (pc !== undefined) {
      lambda.provisionedConcurrency = pc;
      lambda.provisionedConcurrencyAt = doc.at([
        ...base,
        'ProvisionedConcurrencyConfig',
        'ProvisionedConcurrentExecutions',
      ]);
    }
    const image = str(props.ImageUri);
    out.push({
      kind: 'Function',
      name: lambda.function,
      platform: 'lambda',
      at: doc.at(['Resources', id]),
      images: image
        ? [
            {
              ref: image,
              repository: image.split(':')[0] ?? image,
              ...(image.includes(':') ? { tag: image.split(':').pop() as string } : {}),
              at: doc.at([...base, 'ImageUri']),
            },
          ]
        : [],
      settings: s,
      config: [],
      lambda,
    });
  }
  return out;
}

/**
 * The stack `sam deploy` deploys to, from a samconfig: `stack_name` of the `default` environment
 * (the one sam uses without --config-env), deploy parameters over global ones.
 */
export function samStackName(text: string, file = 'samconfig.toml'): string | undefined {
  const c = readSamConfig(file, text);
  return c.ok ? c.envs.get('default')?.stack : undefined;
}

/** Serverless Framework serverless.yml (AWS provider): functions, canary deployments plugin aliases. */
export function isServerless(v: unknown): boolean {
  return isObj(get(v, 'functions')) && (isObj(get(v, 'provider')) || typeof get(v, 'service') === 'string');
}

export function readServerless(doc: YamlDoc): Workload[] {
  const v = obj(doc.value);
  const service = str(v.service) ?? str(get(v, 'service', 'name')) ?? 'service';
  // `${opt:stage, 'dev'}`: the stage the CLI gives, else its default (serverless's own default: dev)
  const written = str(get(v, 'provider', 'stage')) ?? 'dev';
  const stage = written.includes('${')
    ? (/^\$\{[^}]*,\s*['"]?([\w-]+)['"]?\s*\}$/.exec(written)?.[1] ?? 'dev')
    : written;
  const region = str(get(v, 'provider', 'region'));
  const out: Workload[] = [];
  for (const [fn, def] of Object.entries(obj(v.functions)).sort(([a], [b]) => cmp(a, b))) {
    const ds = obj(get(def, 'deploymentSettings'));
    const lambda: LambdaFacts = { function: str(get(def, 'name')) ?? `${service}-${stage}-${fn}` };
    if (region) lambda.region = region;
    const alias = str(ds.alias) ?? str(get(v, 'custom', 'deploymentSettings', 'alias'));
    if (alias) lambda.alias = alias;
    const pc = num(get(def, 'provisionedConcurrency'));
    if (pc !== undefined) {
      lambda.provisionedConcurrency = pc;
      lambda.provisionedConcurrencyAt = doc.at(['functions', fn, 'provisionedConcurrency']);
    }
    const s: RolloutSettings = {};
    const type = str(ds.type) ?? str(get(v, 'custom', 'deploymentSettings', 'type'));
    if (type) s.strategy = { value: type, at: doc.at(['functions', fn, 'deploymentSettings', 'type']) };
    out.push({
      kind: 'Function',
      name: lambda.function,
      platform: 'lambda',
      at: doc.at(['functions', fn]),
      images: [],
      settings: s,
      config: [],
      lambda,
    });
  }
  return out;
}
