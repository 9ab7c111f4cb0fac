import { z } from 'zod';
import { MIGRATION_TOOLS, PLATFORM_IDS, SIGNAL_OPS, VERSIONING_MODES } from '../model/service.js';

/**
 * rollbook.yaml version 1 — the contract in DESIGN.md. Declarative only (no transforms), so that
 * z.toJSONSchema() emits the JSON Schema shipped as schema/rollbook.schema.json.
 * Objects are strict: an unknown field is reported (it is usually a typo that would silently drop a fact).
 */

const duration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ms|s|m|h|d))+$/, 'a duration like 30s, 5m, 1h or 1h30m')
  .describe('A duration: 30s, 5m, 1h, 1h30m, 7d.');

const name = z.string().min(1);

const migrations = z
  .strictObject({
    tool: z
      .enum(MIGRATION_TOOLS)
      .optional()
      .describe('Migration tool; detected from the files when omitted.'),
    path: z.string().optional().describe('Directory of the migrations, relative to the repository root.'),
    database: z.string().optional().describe('Database engine, e.g. postgres.'),
    table: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The migration tool's history table when the service configures a non-default one (golang-migrate x-migrations-table / MigrationsTable, goose -table, Flyway table).",
      ),
    version: z
      .number()
      .int()
      .min(9)
      .max(30)
      .optional()
      .describe('Major version of the production server, e.g. 15.'),
  })
  .describe('Schema migrations.');

const flagSource = z.strictObject({
  provider: z.string().min(1).describe('flagd, unleash, launchdarkly, ...'),
  file: z.string().optional().describe('Flag definition file in the repository.'),
  keys: z
    .array(name)
    .optional()
    .describe(
      "This service's flags in the file, when the file also holds other services' flags: exact keys, or a prefix ending in * (orders.*). Default: every flag in the file.",
    ),
  killSwitches: z
    .array(name)
    .optional()
    .describe('Flag keys that turn the risky feature off (kill switches).'),
  workloads: z
    .array(name)
    .min(1)
    .optional()
    .describe(
      'The workloads these flags belong to, when the repository holds several: name, kind/name, namespace/kind/name, or the manifest / overlay / chart path (as --workload takes them). Default: the workload deploy.workload names; with neither, a repository of several workloads binds these flags only where code or the file location does, and an unknown names this field.',
    ),
});

const cache = z.strictObject({
  name,
  store: z.string().min(1).describe('redis, memcached, cdn, in-process, ...'),
  keyVersioned: z.boolean().optional().describe('True when the key includes a format/version prefix.'),
  ttl: duration.optional(),
});

const queue = z.strictObject({
  name,
  format: z.string().optional().describe('avro, protobuf, json-schema, json, ...'),
  compatibility: z
    .enum([
      'BACKWARD',
      'BACKWARD_TRANSITIVE',
      'FORWARD',
      'FORWARD_TRANSITIVE',
      'FULL',
      'FULL_TRANSITIVE',
      'NONE',
    ])
    .optional()
    .describe('Schema-registry compatibility mode.'),
  role: z
    .enum(['producer', 'consumer', 'both'])
    .optional()
    .describe('What this service does with the queue.'),
});

const write = z.strictObject({
  store: z.string().min(1),
  dualWrite: z.boolean().optional(),
  external: z.boolean().optional().describe('Side effects outside your systems: emails, payments, webhooks.'),
  description: z.string().optional(),
});

const dependency = z.strictObject({
  name,
  relation: z.string().optional().describe('calls, called-by, reads, ...'),
  compatibility: z.string().optional().describe('Constraint, e.g. "v2 API only since 2026-10".'),
});

const signal = z.strictObject({
  name,
  query: z.string().optional().describe('PromQL or your monitoring query.'),
  threshold: z.number().min(-1e15).max(1e15).optional(),
  op: z
    .enum(SIGNAL_OPS)
    .optional()
    .describe(
      'Which way the signal is bad: a rollback is called when `value op threshold` holds (`>` for an error ratio or a latency, `<` for a success rate). Default `>` for names that say error, failure or latency; otherwise the direction is reported unknown.',
    ),
  for: duration.optional(),
});

const synthetic = z.strictObject({
  name,
  url: z.string().regex(/^https?:\/\//, 'an http(s) URL'),
  expectStatus: z.number().int().min(100).max(599).optional(),
});

const pastRollback = z.strictObject({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}/, 'a date YYYY-MM-DD')
    .describe('YYYY-MM-DD'),
  minutes: z.number().positive().max(525_600).describe('Minutes to mitigation (at most a year).'),
  note: z.string().optional(),
});

/** `rollbook check`: a rule's severity, or off (rule ids are checked against the registry by check). */
const ruleLevels = z
  .record(
    z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'a rule id like drop-column'),
    z.enum(['error', 'warning', 'off']),
  )
  .describe(
    'rollbook check: severity per rule id (error | warning | off), e.g. { mutable-image-tag: warning }.',
  );

const ignoreGlobs = z
  .array(z.string().min(1))
  .describe(
    'rollbook check: paths it skips (gitignore-style globs relative to this file), e.g. [test/fixtures/**]. Inline: -- rollbook-ignore RULE: reason.',
  );

/** A kube context name as kubeconfig holds it: no spaces or control characters, never an option. */
export const KUBE_CONTEXT = /^[^-\s\p{Cc}][^\s\p{Cc}]*$/u;

export const descriptorSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).describe('Descriptor version; always 1.'),
    service: z.string().min(1).max(128).describe('Service name.'),
    owners: z.array(name).optional(),
    deploy: z
      .strictObject({
        platform: z.enum(PLATFORM_IDS).optional(),
        workload: z
          .string()
          .optional()
          .describe('deployment/NAME, a Helm release, an ECS service, a job name...'),
        namespace: z.string().optional(),
        context: z
          .string()
          .regex(KUBE_CONTEXT, 'a kube context name (no spaces or control characters, not starting with -)')
          .optional()
          .describe(
            'The kube context (kubeconfig) the cluster commands target: kubectl --context, helm --kube-context, flux --context.',
          ),
        manifests: z.array(z.string()).optional().describe('Where to look for manifests.'),
        valuesFiles: z
          .array(z.string().min(1))
          .optional()
          .describe(
            'Helm values files the deploy passes (helm -f), relative to this file, in order: later files win over earlier ones and over the chart values.yaml. Argo CD and Flux values are read from their manifests.',
          ),
        pipeline: z.string().optional().describe('The CI/CD that ships it.'),
        target: z
          .record(z.string(), z.string())
          .optional()
          .describe(
            'Platform names: cluster, region, project, app, alias, function, release, job, host, releasesDir, unit.',
          ),
      })
      .optional(),
    artifact: z
      .strictObject({
        image: z.string().optional(),
        versioning: z.enum(VERSIONING_MODES).optional(),
      })
      .optional(),
    state: z
      .strictObject({
        migrations: z.union([migrations, z.array(migrations)]).optional(),
        flags: z.array(flagSource).optional(),
        caches: z.array(cache).optional(),
        queues: z.array(queue).optional(),
        writes: z.array(write).optional(),
      })
      .optional(),
    release: z
      .strictObject({
        tags: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Release tags, a git glob (e.g. "v*", "api/v*"); ordered as versions. Default: tags that look like versions (v1.2.3, 1.2.3).',
          ),
      })
      .optional()
      .describe(
        'How releases are found in git: the default rollback target is the newest release tag before --from.',
      ),
    dependencies: z.array(dependency).optional(),
    signals: z.array(signal).optional(),
    synthetics: z
      .array(synthetic)
      .optional()
      .describe('Read-only synthetic requests that prove recovery (GET the critical path).'),
    roles: z
      .strictObject({
        rollback: z.array(name).optional().describe('Who may call a stateless rollback.'),
        dataRollback: z
          .array(name)
          .optional()
          .describe('Who may call a rollback that touches data or migrations.'),
      })
      .optional(),
    comms: z
      .strictObject({
        channel: z.string().optional(),
        statusPage: z.boolean().optional(),
      })
      .optional(),
    history: z
      .strictObject({
        procedure: z.string().optional(),
        pastRollbacks: z.array(pastRollback).optional(),
      })
      .optional(),
    rules: ruleLevels.optional(),
    ignore: ignoreGlobs.optional(),
  })
  .describe('rollbook.yaml: what the repository cannot tell rollbook about a service.');

export type Descriptor = z.infer<typeof descriptorSchema>;

/** The JSON Schema shipped at schema/rollbook.schema.json. */
export function descriptorJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(descriptorSchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
  return {
    $id: 'https://rollbook.dev/schema/rollbook.schema.json',
    title: 'rollbook.yaml',
    ...schema,
  };
}
