/**
 * docker compose: the name a named volume has on the docker host (Compose specification, volumes
 * top-level element: `name` is used as is, `external: true` looks the key up unprefixed, the legacy
 * `external: {name: …}` names it, otherwise `<project>_<key>`), and the project name that prefixes
 * it (compose docs, "Specify a project name": -p, COMPOSE_PROJECT_NAME, top-level `name:`, the
 * directory). The backup step archives the volume by that name, and the runbook's compose commands
 * carry the -p the deploy command uses.
 */
import { describe, expect, it } from 'vitest';
import { analyze, loadService, plan } from '../../src/index.js';
import { discover } from '../../src/readers/discover.js';
import { renderCommand } from '../../src/util/shell.js';
import { tempRepo } from './helpers.js';

const BASE = (volumes: string, name = 'name: ledger\n') => `${name}services:
  web:
    image: ghcr.io/acme/ledger:2.8.1
    volumes:
      - uploads:/app/uploads
volumes:
${volumes}`;

async function volume(files: Record<string, string>) {
  const d = await discover(tempRepo(files));
  const c = d.workloads.find((w) => w.compose)?.compose;
  const v = c?.volumes.find((x) => x.name === 'uploads');
  return {
    name: v?.dockerName,
    at: v?.dockerNameAt ? `${v.dockerNameAt.file}:${v.dockerNameAt.line}` : undefined,
    external: v?.external ?? false,
    project: c?.projectName ? `${c.projectName.value} (${c.projectName.from})` : undefined,
    unknowns: d.unknowns.filter((u) => u.subject.startsWith('compose')).map((u) => u.reason),
  };
}

describe('the docker name of a compose volume', () => {
  it.each([
    [
      'no attributes: <project>_<key>, the project from name:',
      BASE('  uploads:\n'),
      'ledger_uploads',
      'deploy/compose.yaml:1',
      false,
    ],
    [
      'name: is used as is, not project-prefixed',
      BASE('  uploads:\n    name: ledger-files\n'),
      'ledger-files',
      'deploy/compose.yaml:9',
      false,
    ],
    [
      'external: true is the key itself',
      BASE('  uploads:\n    external: true\n'),
      'uploads',
      'deploy/compose.yaml:9',
      true,
    ],
    [
      'external with name:',
      BASE('  uploads:\n    external: true\n    name: shared-uploads\n'),
      'shared-uploads',
      'deploy/compose.yaml:10',
      true,
    ],
    [
      'legacy external: {name: …}',
      BASE('  uploads:\n    external:\n      name: legacy-uploads\n'),
      'legacy-uploads',
      'deploy/compose.yaml:9',
      true,
    ],
    [
      '${COMPOSE_PROJECT_NAME} in name: is the project name',
      BASE('  uploads:\n    name: ${COMPOSE_PROJECT_NAME}-files\n'),
      'ledger-files',
      'deploy/compose.yaml:9',
      false,
    ],
    [
      'a variable with a default takes the default',
      BASE('  uploads:\n    name: ${UPLOADS_VOLUME:-ledger-up}\n'),
      'ledger-up',
      'deploy/compose.yaml:9',
      false,
    ],
    [
      'no name: and no project name: the directory',
      BASE('  uploads:\n', ''),
      'deploy_uploads',
      undefined,
      false,
    ],
  ])('%s', async (_title, compose, name, at, external) => {
    const v = await volume({ 'deploy/compose.yaml': compose });
    expect([v.name, v.at, v.external]).toEqual([name, at, external]);
  });

  it('a later file (the production override) sets the name', async () => {
    const v = await volume({
      'deploy/compose.yaml': BASE('  uploads:\n'),
      'deploy/compose.prod.yaml': 'volumes:\n  uploads:\n    name: ledger-prod-uploads\n',
    });
    expect([v.name, v.at]).toEqual(['ledger-prod-uploads', 'deploy/compose.prod.yaml:3']);
  });

  it('a variable without a default: no name, and an unknown says so', async () => {
    const v = await volume({ 'deploy/compose.yaml': BASE('  uploads:\n    name: ${UPLOADS_VOLUME}\n') });
    expect(v.name).toBeUndefined();
    expect(v.unknowns.join('\n')).toMatch(/\$\{UPLOADS_VOLUME\} at deploy time .*docker volume ls/);
  });
});

describe('the project name that prefixes it', () => {
  const plain = BASE('  uploads:\n', '');
  it.each([
    ['the directory', { 'deploy/compose.yaml': plain }, 'deploy (directory)', 'deploy_uploads'],
    [
      'the last name: of the -f files',
      { 'deploy/compose.yaml': BASE('  uploads:\n'), 'deploy/compose.override.yaml': 'name: books\n' },
      'books (name)',
      'books_uploads',
    ],
    [
      'COMPOSE_PROJECT_NAME in the project .env beats name:',
      {
        'deploy/compose.yaml': BASE('  uploads:\n'),
        'deploy/.env': 'LEDGER_TAG=2.8.1\nCOMPOSE_PROJECT_NAME=ledger_prod\n',
      },
      'ledger_prod (dotenv)',
      'ledger_prod_uploads',
    ],
    [
      '-p in the deploy workflow beats .env',
      {
        'deploy/compose.yaml': plain,
        'deploy/.env': 'COMPOSE_PROJECT_NAME=other\n',
        '.github/workflows/deploy.yml':
          'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          ssh host docker compose -p shop \\\n            -f deploy/compose.yaml up -d --wait\n',
      },
      'shop (flag)',
      'shop_uploads',
    ],
    [
      '--project-name= in a script with cd and no -f (the one project)',
      {
        'deploy/compose.yaml': plain,
        'scripts/deploy.sh': '#!/bin/sh\ncd deploy && docker compose --project-name=ledger-live up -d\n',
      },
      'ledger-live (flag)',
      'ledger-live_uploads',
    ],
    [
      'COMPOSE_PROJECT_NAME exported by the deploy script',
      {
        'deploy/compose.yaml': plain,
        'deploy.sh': 'export COMPOSE_PROJECT_NAME=books\ndocker-compose -f deploy/compose.yaml up -d\n',
      },
      'books (env)',
      'books_uploads',
    ],
  ])('%s', async (_title, files, project, name) => {
    const v = await volume(files);
    expect([v.project, v.name]).toEqual([project, name]);
  });

  // compose-go cli/options.go: the project directory is --project-directory, else the first -f
  // file's directory; the env files are --env-file (repeatable, later wins), else <project dir>/.env;
  // the name is -p, then COMPOSE_PROJECT_NAME (the command's environment over the env files), then
  // name:, then the project directory's name.
  const call = (opts: string) => `#!/bin/sh\ndocker compose ${opts} -f deploy/compose.yaml up -d\n`;
  it.each([
    [
      '--env-file replaces the project .env',
      {
        'deploy/compose.yaml': plain,
        'deploy/.env': 'COMPOSE_PROJECT_NAME=other\n',
        'deploy/prod.env': 'LEDGER_TAG=2.8.1\nCOMPOSE_PROJECT_NAME=ledger_prod\n',
        'deploy.sh': call('--env-file deploy/prod.env'),
      },
      'ledger_prod (dotenv) deploy/prod.env:2',
      [],
    ],
    [
      '--env-file without COMPOSE_PROJECT_NAME: the .env is not read, the directory names it',
      {
        'deploy/compose.yaml': plain,
        'deploy/.env': 'COMPOSE_PROJECT_NAME=other\n',
        'deploy/prod.env': 'LEDGER_TAG=2.8.1\n',
        'deploy.sh': call('--env-file=deploy/prod.env'),
      },
      'deploy (directory) -',
      [],
    ],
    [
      'several --env-file: the later one wins',
      {
        'deploy/compose.yaml': plain,
        'deploy/base.env': 'COMPOSE_PROJECT_NAME=base\n',
        'deploy/prod.env': 'COMPOSE_PROJECT_NAME=prod\n',
        'deploy.sh': call('--env-file deploy/base.env --env-file deploy/prod.env'),
      },
      'prod (dotenv) deploy/prod.env:1',
      [],
    ],
    [
      '--env-file relative to the script directory',
      {
        'deploy/compose.yaml': plain,
        'ops/prod.env': 'COMPOSE_PROJECT_NAME=ops_prod\n',
        'ops/deploy.sh':
          '#!/bin/sh\ncd "$(dirname "$0")" && docker compose --env-file prod.env -f ../deploy/compose.yaml up -d\n',
      },
      'ops_prod (dotenv) ops/prod.env:1',
      [],
    ],
    [
      'an --env-file not in the repository: unknown, the next source decides',
      {
        'deploy/compose.yaml': BASE('  uploads:\n'),
        'deploy/.env': 'COMPOSE_PROJECT_NAME=other\n',
        'deploy.sh': call('--env-file /etc/ledger/prod.env'),
      },
      'ledger (name) deploy/compose.yaml:1',
      ['--env-file /etc/ledger/prod.env (deploy.sh:2), which is not in the repository'],
    ],
    [
      '-p beats --env-file',
      {
        'deploy/compose.yaml': plain,
        'deploy/prod.env': 'COMPOSE_PROJECT_NAME=prod\n',
        'deploy.sh': call('-p shop --env-file deploy/prod.env'),
      },
      'shop (flag) deploy.sh:2',
      [],
    ],
    [
      "--project-directory: its .env, not the compose directory's",
      {
        'deploy/compose.yaml': plain,
        'deploy/.env': 'COMPOSE_PROJECT_NAME=other\n',
        'srv/ledger/.env': 'COMPOSE_PROJECT_NAME=from_project_dir\n',
        'deploy.sh': call('--project-directory srv/ledger'),
      },
      'from_project_dir (dotenv) srv/ledger/.env:1',
      [],
    ],
    [
      "--project-directory without a .env: its name, not the compose directory's",
      {
        'deploy/compose.yaml': plain,
        'deploy/.env': 'COMPOSE_PROJECT_NAME=other\n',
        'srv/Ledger.App/compose.override.yaml': 'services: {}\n',
        'deploy.sh': call('--project-directory=srv/Ledger.App'),
      },
      'ledgerapp (directory) deploy.sh:2',
      [],
    ],
    [
      '--project-directory on the host: its name, and an unknown for the .env there',
      {
        'deploy/compose.yaml': plain,
        'deploy.sh': call('--project-directory /opt/ledger-live'),
      },
      'ledger-live (directory) deploy.sh:2',
      ['--project-directory /opt/ledger-live (deploy.sh:2), outside the repository'],
    ],
    [
      'name: beats the --project-directory name',
      {
        'deploy/compose.yaml': BASE('  uploads:\n'),
        'deploy.sh': call('--project-directory srv/other'),
      },
      'ledger (name) deploy/compose.yaml:1',
      [],
    ],
  ])('%s', async (_title, files, project, unknowns) => {
    const d = await discover(tempRepo(files));
    const p = d.workloads.find((w) => w.compose)?.compose?.projectName;
    expect(`${p?.value} (${p?.from}) ${p?.at ? `${p.at.file}:${p.at.line}` : '-'}`).toBe(project);
    const said = d.unknowns.filter((u) => u.subject.startsWith('compose project name')).map((u) => u.reason);
    expect(said).toHaveLength(unknowns.length);
    for (const [i, u] of unknowns.entries()) expect(said[i]).toContain(u);
  });

  it('-p on a command for another project is not this one', async () => {
    const v = await volume({
      'deploy/compose.yaml': BASE('  uploads:\n', ''),
      'tools/compose.yaml': 'services:\n  adminer:\n    image: adminer:4\n',
      Makefile: 'tools:\n\tdocker compose -p tools -f tools/compose.yaml up -d\n',
    });
    expect([v.project, v.name]).toEqual(['deploy (directory)', 'deploy_uploads']);
  });

  it('-p from a variable: an unknown naming the line, and the next source decides', async () => {
    const v = await volume({
      'deploy/compose.yaml': BASE('  uploads:\n'),
      'deploy.sh': 'docker compose -p "$STACK" -f deploy/compose.yaml up -d\n',
    });
    expect([v.project, v.name]).toEqual(['ledger (name)', 'ledger_uploads']);
    expect(v.unknowns.join('\n')).toContain('"$STACK" (deploy.sh:1): set at deploy time');
  });
});

describe('the design uses it', () => {
  it('a -p from a deploy script that reads as an option stays one word, and compose normalisation drops its leading dashes', async () => {
    const root = tempRepo({
      'deploy/compose.yaml': BASE('  uploads: {}\n', ''),
      'deploy.sh': 'docker compose -p --rm-all -f deploy/compose.yaml up -d\n',
    });
    const service = await loadService(root, { release: false });
    const p = plan(service, analyze(service));
    const cmds = p.runbook.flatMap((s) => s.commands.map((c) => c.manual ?? renderCommand(c)));
    const compose = cmds.filter((c) => c.startsWith('docker compose '));
    expect(compose.length).toBeGreaterThan(0);
    for (const c of compose) {
      expect(c).toContain(' --project-name=rm-all ');
      expect(c).not.toMatch(/ -p | --rm-all/);
    }
  });

  it.each([
    [
      '--env-file',
      { 'deploy/prod.env': 'COMPOSE_PROJECT_NAME=ledger_prod\n' },
      '--env-file deploy/prod.env',
      'ledger_prod',
    ],
    ['--project-directory', {}, '--project-directory srv/ledger-live', 'ledger-live'],
  ])(
    "a name the deploy command's %s decides reaches the runbook as --project-name",
    async (_t, extra, opts, name) => {
      const root = tempRepo({
        'deploy/compose.yaml': BASE('  uploads: {}\n', ''),
        'deploy/.env': 'COMPOSE_PROJECT_NAME=other\n',
        ...extra,
        'deploy.sh': `docker compose ${opts} -f deploy/compose.yaml up -d\n`,
      });
      const service = await loadService(root, { release: false });
      const p = plan(service, analyze(service));
      const compose = p.runbook
        .flatMap((s) => s.commands.map((c) => c.manual ?? renderCommand(c)))
        .filter((c) => c.startsWith('docker compose '));
      expect(compose.length).toBeGreaterThan(0);
      for (const c of compose) expect(c).toContain(` --project-name=${name} `);
    },
  );

  it('the backup archives the volume by its real name; compose commands carry the deploy -p', async () => {
    const root = tempRepo({
      'deploy/compose.yaml': BASE('  uploads:\n    external: true\n    name: ledger-uploads\n', ''),
      'deploy.sh': 'docker compose -p ledger-prod -f deploy/compose.yaml up -d\n',
    });
    const service = await loadService(root, { release: false });
    const p = plan(service, analyze(service));
    const cmds = p.runbook.flatMap((s) => s.commands.map((c) => c.manual ?? renderCommand(c)));
    expect(cmds).toContain("docker volume inspect --format '{{.Name}}' -- ledger-uploads");
    expect(cmds).toContain(
      'docker run --name rollbook-backup-ledger-uploads --volume ledger-uploads:/v:ro alpine tar czf /uploads.tgz -C /v .',
    );
    expect(cmds).toContain('docker compose --project-name=ledger-prod -f deploy/compose.yaml pull -- web');
    expect(
      cmds.filter((c) => c.startsWith('docker compose ') && !c.includes(' --project-name=ledger-prod ')),
    ).toEqual([]);
  });
});
