import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'service-selects-other-workloads',
    kind: 'config',
    severity: 'warning',
    description: "A Service selecting the workload's pods also selects another workload's pods",
    rationale:
      "A Service sends traffic to every ready pod its selector matches. When it also matches another workload (a blue/green pair, a shared app label), rolling back one workload changes the traffic mix but leaves the other's pods — possibly on the bad version — serving the same Service, and the Service's endpoints no longer tell which version answers.",
    mitigation:
      "Give each workload's Service a selector only its pods carry (e.g. app.kubernetes.io/component), or roll back every workload the Service selects together.",
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      const subject = `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
      for (const svc of w.services ?? []) {
        const others = svc.alsoSelects ?? [];
        if (others.length === 0) continue;
        const selector = Object.entries(svc.selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        const names = others.map((o) => o.workload).join(', ');
        out.push(
          report({
            subject: `service/${svc.name}`,
            message: `Service ${svc.name} (selector ${selector}) routes to ${subject} and to ${names}: rolling back ${subject} alone changes the traffic mix, and ${names} keep${others.length === 1 ? 's' : ''} serving through it`,
            evidence: [
              svc.selectorAt ?? svc.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 },
              ...(w.at ? [w.at] : []),
              ...others.flatMap((o) => (o.at ? [o.at] : [])),
            ],
            appRollbackSafe: null,
            revertLossless: true,
            touchesData: false,
            mitigation: `Narrow Service ${svc.name}'s selector to labels only ${subject}'s pods carry, or roll back ${[subject, ...others.map((o) => o.workload)].join(' and ')} together; after the rollback, check the endpoints of ${svc.name} list only pods of the target version.`,
          }),
        );
      }
    }
    return out;
  },
);
