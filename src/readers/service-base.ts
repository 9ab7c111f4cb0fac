import type { Service } from '../model/service.js';

/** A service with nothing known yet: the base every reader fills in. */
export function emptyService(root: string, name = 'unknown-service'): Service {
  return {
    name,
    root,
    owners: [],
    deploy: { manifests: [] },
    artifact: {},
    workloads: [],
    migrations: [],
    flagSources: [],
    flags: [],
    caches: [],
    queues: [],
    writes: [],
    dependencies: [],
    signals: [],
    roles: { rollback: [], dataRollback: [] },
    comms: {},
    history: { pastRollbacks: [] },
    pipelines: [],
    unknowns: [],
  };
}
