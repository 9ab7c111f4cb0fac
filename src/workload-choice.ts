/**
 * The one workload a command is about. `plan`, `decide` and `gates` read the same repository and
 * refuse the same way when it holds several workloads and nothing chose one.
 */
import { RollbookError } from './errors.js';
import type { Service } from './model/service.js';
import { selectWorkload } from './planner/context.js';
import { uniqueRef, workloadLabel } from './readers/discover.js';
import { shellQuote } from './util/shell.js';

/**
 * Several workloads and none chosen (--workload, deploy.workload) is a usage error naming them,
 * with commands that would work (`rollbook <command> <dir> --workload REF <args>`, `args` being the
 * other arguments the user gave, such as --from and --to).
 */
export function requireOneWorkload(
  service: Service,
  dir: string,
  command: string,
  args: string[] = [],
): void {
  if (service.workloads.length <= 1 || selectWorkload(service)) return;
  const refs = service.workloads.map((w) => uniqueRef(w, service.workloads));
  throw new RollbookError(
    'USAGE',
    `${dir} holds ${refs.length} workloads: ${service.workloads.map(workloadLabel).join(', ')}; ${command === 'gates' ? 'the gates check the migration sets of one of them' : command === 'migrations verify' ? 'verify checks the migration sets of one of them' : 'a rollback design is for one of them'}`,
    `Pick one, e.g. ${refs
      .slice(0, 3)
      .map((r) =>
        [`rollbook ${command} ${shellQuote(dir)} --workload ${shellQuote(r)}`, ...args.map(shellQuote)].join(
          ' ',
        ),
      )
      .join(
        ' or ',
      )}${refs.length > 3 ? ` (${refs.length - 3} more: see the list above)` : ''}; or set deploy.workload in rollbook.yaml.`,
  );
}
