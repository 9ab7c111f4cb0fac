import type { Evidence, Workload } from '../../../src/model/index.js';

export const ev = (file: string, line: number): Evidence => ({ file, line });

/** A workload for rule tables: a Deployment in k8s/deploy.yaml:1 unless overridden. */
export function wl(over: Partial<Workload> = {}): Workload {
  return {
    kind: 'Deployment',
    name: 'api',
    namespace: 'shop',
    platform: 'kubernetes',
    at: ev('k8s/deploy.yaml', 1),
    images: [],
    settings: {},
    config: [],
    ...over,
  };
}
