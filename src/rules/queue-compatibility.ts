import type { Queue, QueueCompatibility } from '../model/service.js';
import { createRule } from './create-rule.js';
import { evidenceFor } from './support/state.js';

type Side = 'consumer' | 'producer';

/** Modes under which the OLD reader can read what the NEW writer wrote (consumer rollback). */
const CONSUMER_OK: ReadonlySet<QueueCompatibility> = new Set([
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
]);
/** Modes under which the NEW reader can read what the OLD writer writes (producer rollback). */
const PRODUCER_OK: ReadonlySet<QueueCompatibility> = new Set([
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
]);

/** Formats whose compatibility a schema registry can enforce. */
const REGISTRY_FORMATS = new Set(['avro', 'protobuf', 'proto', 'json-schema', 'jsonschema', 'json_schema']);

function sidesOf(q: Queue): Side[] {
  if (q.role === 'consumer') return ['consumer'];
  if (q.role === 'producer') return ['producer'];
  return ['consumer', 'producer'];
}

function roleText(q: Queue): string {
  if (q.role === 'both') return 'producer and consumer';
  if (q.role) return q.role;
  return 'role unknown: producer and consumer assumed';
}

function covers(mode: QueueCompatibility | undefined, side: Side): boolean {
  if (mode === undefined) return false;
  return (side === 'consumer' ? CONSUMER_OK : PRODUCER_OK).has(mode);
}

function modeToSet(missing: Side[]): string {
  if (missing.length === 2) return 'FULL_TRANSITIVE';
  return missing[0] === 'consumer' ? 'FORWARD_TRANSITIVE' : 'BACKWARD_TRANSITIVE';
}

const NEED: Record<Side, string> = {
  consumer: 'a consumer rollback needs FORWARD or FULL (the old reader must read what the new version wrote)',
  producer: 'a producer rollback needs BACKWARD or FULL (current consumers must read the old format again)',
};

function mitigationFor(q: Queue, missing: Side[]): string {
  const mode = modeToSet(missing);
  const format = q.format?.trim().toLowerCase();
  const subject = `${q.name}-value`;
  const parts: string[] = [];
  if (format !== undefined && !REGISTRY_FORMATS.has(format)) {
    parts.push(
      `\`${q.name}\` carries ${q.format} with no schema registry to enforce compatibility: put a version field in every message and make readers tolerant (ignore unknown fields, default missing ones), or move it to Avro/Protobuf/JSON Schema with a registry in ${mode}.`,
    );
  } else {
    parts.push(
      `Set the schema-registry compatibility of \`${q.name}\` (subject e.g. \`${subject}\` with TopicNameStrategy) to ${mode} (\`PUT /config/${subject}\` with {"compatibility": "${mode}"}); the registry only checks schemas registered after that, so also run the check for the current schema against every registered version (\`POST /compatibility/subjects/${subject}/versions\` with the current schema).`,
    );
  }
  if (missing.includes('consumer'))
    parts.push(
      `Consumer rollback: roll back or pause the producers of the new format first, let the current consumer drain \`${q.name}\`, then roll the consumer back; send messages the old consumer cannot read to a dead-letter queue for replay, never skip them.`,
    );
  if (missing.includes('producer'))
    parts.push(
      `Producer rollback: confirm every consumer of \`${q.name}\` still reads the old format before rolling the producer back.`,
    );
  return parts.join(' ');
}

export default createRule(
  {
    id: 'queue-compatibility',
    kind: 'queue',
    severity: 'error',
    description:
      'A queue whose message compatibility mode does not cover the rollback of this service (consumer: FORWARD/FULL, producer: BACKWARD/FULL).',
    rationale:
      'Messages already in the queue do not roll back. A rolled-back consumer must read what the new version wrote (FORWARD); consumers must read what a rolled-back producer writes again (BACKWARD). NONE or no declared mode guarantees neither.',
    mitigation:
      'Set the schema-registry compatibility mode to FULL_TRANSITIVE (or the side the rollback needs); drain or pause consumers and roll back producers first; dead-letter unreadable messages instead of skipping them.',
    scope: 'state',
  },
  (service, report) =>
    service.queues.flatMap((q) => {
      const sides = sidesOf(q);
      const missing = sides.filter((s) => !covers(q.compatibility, s));
      if (missing.length === 0) return [];
      const what = `Queue \`${q.name}\` (${q.format ?? 'format unknown'}, ${roleText(q)})`;
      const needs = missing.map((s) => NEED[s]).join('; ');
      let message: string;
      if (q.compatibility === undefined) message = `${what} declares no compatibility mode: ${needs}.`;
      else if (q.compatibility === 'NONE')
        message = `${what} has compatibility NONE: nothing is checked between versions; ${needs}.`;
      else message = `${what} has compatibility ${q.compatibility}: ${needs}.`;
      const known = q.compatibility !== undefined;
      return [
        report({
          subject: q.name,
          severity: known ? 'error' : 'warning',
          message,
          evidence: [evidenceFor(service, q.at)],
          appRollbackSafe: known ? false : null,
          // New-format messages cannot be turned back into the old format: the consumer side loses them
          // unless they are dead-lettered and replayed.
          revertLossless: known && missing.includes('consumer') ? false : null,
          touchesData: false,
          mitigation: mitigationFor(q, missing),
        }),
      ];
    }),
);
