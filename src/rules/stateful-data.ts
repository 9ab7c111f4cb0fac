import type { Evidence, Finding, WorkloadState } from '../model/index.js';
import { cmp } from '../util/order.js';
import { createRule } from './create-rule.js';

const WHAT: Record<WorkloadState['kind'], (s: WorkloadState) => string> = {
  'volume-claim-template': (s) => `volume claim template ${s.name} (PVC contents)`,
  'persistent-volume-claim': (s) => `PersistentVolumeClaim ${s.name} (PVC contents)`,
  'named-volume': (s) => `named volume ${s.name} (volume contents)`,
  'data-image': (s) => `${s.engine} image ${s.name} (on-disk format, replication state)`,
  'data-subchart': (s) => `${s.engine} subchart ${s.name} (its volumes and data directory)`,
  'operator-resource': (s) => `${s.engine} operator resource ${s.name} (data the operator manages)`,
};

/** Store-specific reasons a rollback does not undo what a new version did to the data. */
function notUndone(engines: string[]): string {
  const out: string[] = [];
  const has = (...e: string[]) => e.some((x) => engines.includes(x));
  if (has('postgres'))
    out.push(
      'a Postgres data directory upgraded to a new major version cannot be opened by the older image, and replicas keep the WAL position they reached',
    );
  if (has('mysql', 'mariadb'))
    out.push('MySQL/MariaDB upgrade the data dictionary in place on start: an older server may refuse it');
  if (has('mongodb'))
    out.push(
      'MongoDB featureCompatibilityVersion, once raised, must be lowered before an older binary starts',
    );
  if (has('elasticsearch'))
    out.push('Elasticsearch/OpenSearch indices written by a newer version cannot be read by an older one');
  if (has('kafka', 'zookeeper', 'rabbitmq', 'nats'))
    out.push(
      'broker logs, offsets and queue contents written by the new version stay (message formats included)',
    );
  if (has('redis')) out.push('Redis RDB/AOF files of a newer version may not load in an older one');
  return out.join('; ');
}

export default createRule(
  {
    id: 'stateful-data',
    kind: 'data',
    severity: 'warning',
    description:
      'The workload holds data: volume claims, a database or broker image, a database subchart, or an operator-managed database',
    rationale:
      'A rollback restores the pod template or the release, never the data: PVC contents, on-disk format upgrades and replication state written by the bad version stay. Rolling the image of a data store back can leave it unable to start.',
    mitigation:
      'Snapshot the volumes or take a store-level backup before rolling back; never roll a data store back across a major version (pin the major); check that the previous version reads what the new one wrote.',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      const state = w.state ?? [];
      if (state.length === 0) continue;
      const subject = `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
      const evidence: Evidence[] = state.map(
        (s) => s.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 },
      );
      const engines = [...new Set(state.flatMap((s) => (s.engine ? [s.engine] : [])))].sort(cmp);
      const volumes = state.filter(
        (s) => s.kind.endsWith('claim') || s.kind.endsWith('template') || s.kind === 'named-volume',
      );
      const reasons = notUndone(engines);
      const ns = w.namespace ? ` -n ${w.namespace}` : '';
      out.push(
        report({
          subject,
          message: `${subject} holds data a rollback does not undo: ${state.map((s) => WHAT[s.kind](s)).join(', ')}${reasons ? `. ${reasons}` : ''}`,
          evidence,
          appRollbackSafe: null,
          revertLossless: false,
          touchesData: true,
          mitigation: [
            volumes.length
              ? w.platform === 'compose'
                ? `Back up the named volume${volumes.length === 1 ? '' : 's'} ${volumes.map((v) => v.name).join(', ')} before rolling back (docker run --rm -v VOLUME:/v -v "$PWD":/b alpine tar czf /b/VOLUME.tgz -C /v .)`
                : `Snapshot ${volumes.map((v) => v.name).join(', ')} before rolling back (a VolumeSnapshot per PVC: kubectl get pvc${ns} lists them)`
              : `Back up ${engines.join(', ') || 'the data'} before rolling back`,
            engines.length
              ? `do not roll ${engines.join('/')} back across a major version: pin the major in the image tag and compare the running version with the target's`
              : '',
            'check that the previous version reads the data the new one wrote before switching traffic back',
          ]
            .filter(Boolean)
            .join('; ')
            .concat('.'),
        }),
      );
    }
    return out;
  },
);
