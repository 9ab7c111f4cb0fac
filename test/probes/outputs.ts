/**
 * Tool outputs in each tool's real format, for the probe table (test/probes/probes.test.ts). Each
 * block names where its shape comes from; values are made up, field names and layout are the tool's.
 */

// helm history -o json: []release.History (helm/helm pkg/cmd/history.go: revision, updated, status,
// chart, app_version, description), printed compact on one line.
export const helmHistory = (rows: [number, string, string][]) =>
  JSON.stringify(
    rows.map(([revision, status, description]) => ({
      revision,
      updated: `2026-11-${String(20 + revision).padStart(2, '0')}T10:00:00.000000000Z`,
      status,
      chart: `catalog-web-1.${revision}.0`,
      app_version: `1.${revision}.0`,
      description,
    })),
  );

// helm status -o json: release.Release (name, info{first_deployed,last_deployed,deleted,description,
// status,notes}, chart, config, manifest, version, namespace). Manifest and chart shortened.
export const helmStatus = (status: string, version: number, description: string) =>
  JSON.stringify({
    name: 'catalog-web',
    info: {
      first_deployed: '2026-11-21T10:00:00Z',
      last_deployed: '2026-12-01T05:00:00Z',
      deleted: '',
      description,
      status,
      notes: 'catalog-web is listening on port 8080',
    },
    config: {},
    version,
    namespace: 'web',
  });

// argocd app history APP: printApplicationHistoryTable (argo-cd cmd/argocd/commands/app.go), a
// tabwriter table "ID DATE REVISION", revision "TARGET (sha7)".
export const argocdHistory = `ID  DATE                           REVISION
3   2026-11-28 09:12:40 +0000 UTC  main (4b1e2c9)
4   2026-11-30 16:03:11 +0000 UTC  main (a93f0d2)
5   2026-12-01 05:01:58 +0000 UTC  main (d956073)
`;

// argocd app get APP -o json: an Application (status.sync, status.health, status.operationState).
export const argocdApp = (health: string, phase: string, message = '') =>
  JSON.stringify(
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'storefront', namespace: 'argocd' },
      spec: { destination: { namespace: 'web', server: 'https://kubernetes.default.svc' } },
      status: {
        sync: { status: 'Synced', revision: 'd956073a1b2c3d4e5f60718293a4b5c6d7e8f901' },
        health: { status: health, ...(message ? { message } : {}) },
        operationState: {
          phase,
          message:
            phase === 'Running'
              ? 'waiting for healthy state of apps/Deployment/storefront'
              : 'successfully synced (all tasks run)',
          startedAt: '2026-12-01T05:01:58Z',
        },
      },
    },
    null,
    2,
  );

// kubectl argo rollouts get rollout NAME (docs: kubectl-argo-rollouts_get_rollout, "Getting Started").
export const rolloutTree = `Name:            storefront
Namespace:       web
Status:          ✖ Degraded
Message:         RolloutAborted: Rollout aborted update to revision 5
Strategy:        Canary
  Step:          0/8
  SetWeight:     0
  ActualWeight:  0
Images:          ghcr.io/acme/storefront:4b1e2c9 (stable)

NAME                                    KIND        STATUS        AGE  INFO
⟳ storefront                            Rollout     ✖ Degraded    9d
├──# revision:5
│  └──⧉ storefront-6cf78c66c5           ReplicaSet  • ScaledDown  12m  canary
├──# revision:4
│  └──⧉ storefront-687d76d795           ReplicaSet  ✔ Healthy     2d   stable
│     └──□ storefront-687d76d795-75k57  Pod         ✔ Running     2d   ready:1/1
└──# revision:3
   └──⧉ storefront-5f9b8c7d6e           ReplicaSet  • ScaledDown  5d
`;

// The same tree where revision 3's canary was aborted by its analysis (an AnalysisRun under its revision).
export const rolloutTreeWithAnalysis = rolloutTree.replace(
  '   └──⧉ storefront-5f9b8c7d6e           ReplicaSet  • ScaledDown  5d\n',
  '   ├──⧉ storefront-5f9b8c7d6e           ReplicaSet  • ScaledDown  5d\n   └──α storefront-5f9b8c7d6e-3-2       AnalysisRun  ✖ Failed      5d   ✖ 3\n',
);

// kubectl get rollouts.argoproj.io/NAME -o json: status.phase and status.message (RolloutPhase).
export const rolloutJson = (phase: string, message: string, abort = false) =>
  JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'storefront', namespace: 'web', generation: 7 },
    status: {
      phase,
      message,
      ...(abort ? { abort: true } : {}),
      currentPodHash: '6cf78c66c5',
      stableRS: '687d76d795',
    },
  });

// the same Rollout with more of its status (abort, canary.weights, blueGreen.activeSelector)
export const rolloutWith = (phase: string, status: Record<string, unknown>) =>
  JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'storefront', namespace: 'web', generation: 7 },
    status: { phase, currentPodHash: '6cf78c66c5', stableRS: '687d76d795', ...status },
  });

// kubectl get helmreleases.helm.toolkit.fluxcd.io/NAME -o json: kstatus conditions (fluxcd docs,
// "HelmRelease Status / Conditions").
export const fluxObject = (conds: { type: string; status: string; reason: string; message: string }[]) =>
  JSON.stringify({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'podinfo', namespace: 'apps', generation: 4 },
    status: {
      observedGeneration: 4,
      conditions: conds.map((c) => ({
        ...c,
        lastTransitionTime: '2026-12-01T05:03:00Z',
        observedGeneration: 4,
      })),
    },
  });

// aws ecs describe-task-definition (API_DescribeTaskDefinition: taskDefinition.family/revision/status).
export const ecsTaskDefinition = (revision: number, status: string) =>
  JSON.stringify(
    {
      taskDefinition: {
        taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/orders-worker:${revision}`,
        containerDefinitions: [
          { name: 'worker', image: 'ghcr.io/acme/orders-worker:1d2e3f4', essential: true },
        ],
        family: 'orders-worker',
        revision,
        status,
        requiresCompatibilities: ['FARGATE'],
        cpu: '512',
        memory: '1024',
      },
      tags: [],
    },
    null,
    4,
  );

export const ecsNoTaskDefinition =
  '\nAn error occurred (ClientException) when calling the DescribeTaskDefinition operation: Unable to describe task definition.\n';

// aws ecs describe-services (API_DescribeServices / API_Deployment: status, rolloutState, rolloutStateReason).
export const ecsServices = (
  deployments: { status: string; rolloutState?: string; reason?: string; td: number; running: number }[],
) =>
  JSON.stringify(
    {
      services: [
        {
          serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/orders-worker',
          serviceName: 'orders-worker',
          clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod',
          status: 'ACTIVE',
          desiredCount: 4,
          runningCount: 4,
          pendingCount: 0,
          taskDefinition: `arn:aws:ecs:eu-west-1:123456789012:task-definition/orders-worker:${deployments[0]?.td}`,
          deployments: deployments.map((d, i) => ({
            id: `ecs-svc/${9000000000000000000 + i}`,
            status: d.status,
            taskDefinition: `arn:aws:ecs:eu-west-1:123456789012:task-definition/orders-worker:${d.td}`,
            desiredCount: 4,
            pendingCount: 0,
            runningCount: d.running,
            failedTasks: d.rolloutState === 'FAILED' ? 3 : 0,
            createdAt: '2026-12-01T05:00:00.000000+00:00',
            updatedAt: '2026-12-01T05:10:00.000000+00:00',
            launchType: 'FARGATE',
            ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
            ...(d.reason ? { rolloutStateReason: d.reason } : {}),
          })),
          events: [],
        },
      ],
      failures: [],
    },
    null,
    4,
  );

export const ecsMissing = JSON.stringify(
  {
    services: [],
    failures: [{ arn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/orders-worker', reason: 'MISSING' }],
  },
  null,
  4,
);

// nomad job history -json JOB: []api.Job (hashicorp/nomad command/job_history.go formats `versions`).
export const nomadHistory = (versions: [number, boolean][]) =>
  JSON.stringify(
    versions.map(([Version, Stable]) => ({
      ID: 'payments',
      Name: 'payments',
      Namespace: 'default',
      Type: 'service',
      Status: 'running',
      Stable,
      Version,
      SubmitTime: 1764565200000000000 + Version,
    })),
    null,
    4,
  );

// nomad job deployments -latest -json JOB: api.Deployment (Status, StatusDescription, TaskGroups).
export const nomadDeployment = (Status: string, StatusDescription: string, unhealthy = 0) =>
  JSON.stringify(
    {
      ID: '0e4b5c2a-7d8f-4a1b-9c3d-2e1f0a9b8c7d',
      Namespace: 'default',
      JobID: 'payments',
      JobVersion: 7,
      Status,
      StatusDescription,
      TaskGroups: {
        api: {
          AutoRevert: false,
          DesiredTotal: 3,
          PlacedAllocs: 3,
          HealthyAllocs: 3 - unhealthy,
          UnhealthyAllocs: unhealthy,
        },
      },
    },
    null,
    4,
  );

// aws lambda list-versions-by-function (API_ListVersionsByFunction: Versions[].Version).
export const lambdaVersions = (versions: string[]) =>
  JSON.stringify(
    {
      Versions: versions.map((Version) => ({
        FunctionName: 'thumbnailer',
        FunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:thumbnailer:${Version}`,
        Runtime: 'nodejs20.x',
        Version,
        LastModified: '2026-12-01T05:00:00.000+0000',
      })),
    },
    null,
    4,
  );

// aws lambda get-alias (API_GetAlias / AliasConfiguration: FunctionVersion, RoutingConfig).
export const lambdaAlias = (version: string, weights?: Record<string, number>) =>
  JSON.stringify(
    {
      AliasArn: 'arn:aws:lambda:eu-west-1:123456789012:function:thumbnailer:live',
      Name: 'live',
      FunctionVersion: version,
      Description: '',
      ...(weights ? { RoutingConfig: { AdditionalVersionWeights: weights } } : {}),
      RevisionId: '1c7f5a3e-2b4d-4e6f-8a9b-0c1d2e3f4a5b',
    },
    null,
    4,
  );

// gcloud run revisions list --format=json: Knative serving.knative.dev/v1 Revision objects.
export const cloudRunRevisions = (revs: [string, string][]) =>
  JSON.stringify(
    revs.map(([name, ready]) => ({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Revision',
      metadata: { name, namespace: '123456789012', labels: { 'serving.knative.dev/service': 'hello' } },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: ready,
            lastTransitionTime: '2026-12-01T05:00:00Z',
            ...(ready === 'False'
              ? {
                  reason: 'HealthCheckContainerError',
                  message: 'The user-provided container failed the configured startup probe checks.',
                }
              : {}),
          },
          { type: 'Active', status: 'True' },
        ],
      },
    })),
    null,
    2,
  );

// gcloud run services describe --format=json: a Knative Service (status.conditions Ready,
// ConfigurationsReady, RoutesReady; latestCreatedRevisionName, latestReadyRevisionName).
export const cloudRunService = (ready: string, reason = '', message = '') =>
  JSON.stringify(
    {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'hello', generation: 12 },
      status: {
        observedGeneration: 12,
        conditions: [
          { type: 'Ready', status: ready, ...(reason ? { reason } : {}), ...(message ? { message } : {}) },
          { type: 'ConfigurationsReady', status: ready },
          { type: 'RoutesReady', status: 'True' },
        ],
        latestCreatedRevisionName: 'hello-00012-xaz',
        latestReadyRevisionName: ready === 'True' ? 'hello-00012-xaz' : 'hello-00011-k2d',
        url: 'https://hello-abcdefghij-ew.a.run.app',
      },
    },
    null,
    2,
  );

// docker manifest inspect IMAGE: an OCI index.
export const dockerManifest = JSON.stringify(
  {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: 'sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b',
        size: 1022,
        platform: { architecture: 'amd64', os: 'linux' },
      },
    ],
  },
  null,
  3,
);

// docker compose ps --format json: one object per line (Compose ≥ 2.21; docs "docker compose ps").
export const composePs = (rows: [string, string, string][]) =>
  rows
    .map(([Service, State, Health]) =>
      JSON.stringify({
        Command: '"docker-entrypoint.sh node server.js"',
        CreatedAt: '2026-12-01 05:00:00 +0000 UTC',
        ExitCode: 0,
        Health,
        ID: 'b1e2c3d4e5f6',
        Image: 'ghcr.io/acme/web:1d2e3f4',
        Name: `shop-${Service}-1`,
        Project: 'shop',
        Service,
        State,
        Status:
          State === 'running'
            ? `Up 3 minutes${Health ? ` (${Health})` : ''}`
            : 'Restarting (1) 5 seconds ago',
      }),
    )
    .join('\n');

// systemctl show UNIT --property=ActiveState,SubState (systemctl(1) show: KEY=VALUE lines).
export const systemctlShow = (active: string, sub: string) => `ActiveState=${active}\nSubState=${sub}\n`;

// heroku releases --json: Platform API Release objects, newest first (version, status, description, current).
export const herokuReleases = (rows: [number, string, boolean][]) =>
  herokuReleasesDescribed(
    rows.map(([v, status, current]) => [v, status, current, `Deploy ${v.toString(16)}abc12`]),
  );

// aws dynamodb list-backups (API_ListBackups: BackupSummaries[] with BackupName, BackupStatus,
// BackupCreationDateTime: ISO 8601 with AWS CLI v2, epoch seconds with v1).
export const dynamodbBackups = (rows: [string, string, string | number][], table = 'shipments') =>
  JSON.stringify(
    {
      BackupSummaries: rows.map(([BackupName, BackupStatus, BackupCreationDateTime], i) => ({
        TableName: table,
        TableId: 'e6b2b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b',
        TableArn: `arn:aws:dynamodb:eu-west-1:123456789012:table/${table}`,
        BackupArn: dynamodbArn(table, i),
        BackupName,
        BackupCreationDateTime,
        BackupStatus,
        BackupType: 'USER',
        BackupSizeBytes: 48213,
      })),
    },
    null,
    4,
  );

/** The BackupArn of row `i` of dynamodbBackups (AWS issues one per backup). */
export const dynamodbArn = (table: string, i: number) =>
  `arn:aws:dynamodb:eu-west-1:123456789012:table/${table}/backup/0176456520000${i}-a1b2c3d4`;

// aws dynamodb create-backup --output json (API_CreateBackup: BackupDetails with BackupArn, BackupName,
// BackupStatus CREATING, BackupCreationDateTime: the request time on AWS's clock), as the backup step
// saves it; the check prints the saved responses, then list-backups of each table.
export const dynamodbCreated = (
  table: string,
  i: number,
  created: string | number = '2026-12-01T05:20:00+00:00',
) =>
  JSON.stringify(
    {
      BackupDetails: {
        BackupArn: dynamodbArn(table, i),
        BackupName: `${table}-before-rollback`,
        BackupSizeBytes: 0,
        BackupStatus: 'CREATING',
        BackupType: 'USER',
        BackupCreationDateTime: created,
      },
    },
    null,
    4,
  );

// aws s3api get-bucket-versioning (API_GetBucketVersioning: Status, MFADelete; nothing at all when
// versioning was never enabled).
export const s3Versioning = (status: string) => JSON.stringify({ Status: status }, null, 4);

// redis-cli INFO (redis.io INFO: the default sections, server then persistence; CRLF line ends).
// serverNow: the server's own clock (server_time_usec); null: absent, as on an old Redis.
export const redisPersistence = (
  inProgress: 0 | 1,
  status: string,
  lastSave: number,
  serverNow: number | null = lastSave + 5,
) =>
  [
    '# Server',
    'redis_version:7.2.4',
    'redis_mode:standalone',
    'tcp_port:6379',
    ...(serverNow !== null ? [`server_time_usec:${Math.round(serverNow * 1e6)}`] : []),
    'uptime_in_seconds:93330',
    '',
    '# Clients',
    'connected_clients:8',
    '',
    '# Persistence',
    'loading:0',
    'async_loading:0',
    'rdb_changes_since_last_save:0',
    `rdb_bgsave_in_progress:${inProgress}`,
    `rdb_last_save_time:${lastSave}`,
    `rdb_last_bgsave_status:${status}`,
    'rdb_last_bgsave_time_sec:1',
    'rdb_current_bgsave_time_sec:-1',
    'aof_enabled:0',
    '',
  ].join('\r\n');

// kubectl get -o json -- statefulset/NAME: apps/v1 StatefulSet (metadata.generation; spec.replicas,
// updateStrategy; status per StatefulSetStatus, whose counts but `replicas` are omitempty, so a zero
// count is absent, as the API server prints it).
export const statefulset = (
  c: { desired: number; updated: number; ready: number; exist?: number },
  generation = 4,
  observed = generation,
) => {
  const status: Record<string, unknown> = {
    observedGeneration: observed,
    replicas: c.exist ?? c.desired,
    currentRevision: 'postgres-7d9f8c6b5',
    updateRevision: 'postgres-5b6c7d8e9',
    collisionCount: 0,
  };
  if (c.ready > 0) status.readyReplicas = c.ready;
  if (c.ready > 0) status.availableReplicas = c.ready;
  if (c.exist ?? c.desired) status.currentReplicas = (c.exist ?? c.desired) - c.updated || undefined;
  if (c.updated > 0) status.updatedReplicas = c.updated;
  return JSON.stringify(
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'postgres', namespace: 'data', generation, uid: 'a1b2c3' },
      spec: {
        replicas: c.desired,
        serviceName: 'postgres-headless',
        updateStrategy: { type: 'OnDelete' },
        selector: { matchLabels: { app: 'postgres' } },
      },
      status,
    },
    null,
    4,
  );
};

// argocd app get APP -o json, with spec.syncPolicy as `argocd app set --sync-policy` leaves it.
export const argocdAppPolicy = (syncPolicy: Record<string, unknown> | undefined) => {
  const app = JSON.parse(argocdApp('Healthy', 'Succeeded'));
  if (syncPolicy) app.spec.syncPolicy = syncPolicy;
  return JSON.stringify(app, null, 2);
};

// helm history -o json with the chart of each revision given (a rollback revision carries the target's
// chart and app version: helm/helm pkg/action/rollback.go copies previousRelease.Chart).
export const helmHistoryCharts = (rows: [number, string, string, number][]) =>
  JSON.stringify(
    rows.map(([revision, status, description, chart]) => ({
      revision,
      updated: `2026-11-${String(20 + revision).padStart(2, '0')}T10:00:00.000000000Z`,
      status,
      chart: `catalog-web-1.${chart}.0`,
      app_version: `1.${chart}.0`,
      description,
    })),
  );

// kubectl get -o json of a Flux object: spec.suspend, metadata.generation, and the status fields of
// helm.toolkit.fluxcd.io/v2 HelmRelease (history snapshots, lastAttemptedRevision) or
// kustomize.toolkit.fluxcd.io/v1 Kustomization (lastAppliedRevision, lastAttemptedRevision).
export const fluxResource = (o: {
  kind?: 'HelmRelease' | 'Kustomization';
  suspend?: boolean;
  generation?: number;
  observed?: number;
  ready?: [string, string, string];
  reconciling?: boolean;
  attempted?: string;
  applied?: string;
  history?: { chartVersion: string; status: string; version: number }[];
}) => {
  const kind = o.kind ?? 'HelmRelease';
  const generation = o.generation ?? 7;
  const observed = o.observed ?? generation;
  const [status, reason, message] = o.ready ?? ['True', 'UpgradeSucceeded', 'Helm upgrade succeeded'];
  return JSON.stringify(
    {
      apiVersion: kind === 'HelmRelease' ? 'helm.toolkit.fluxcd.io/v2' : 'kustomize.toolkit.fluxcd.io/v1',
      kind,
      metadata: { name: 'podinfo', namespace: 'apps', generation },
      spec: {
        interval: '10m',
        ...(o.suspend !== undefined ? { suspend: o.suspend } : {}),
        ...(kind === 'HelmRelease'
          ? { chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } } }
          : {
              path: './apps/podinfo',
              prune: true,
              sourceRef: { kind: 'GitRepository', name: 'flux-system' },
            }),
      },
      status: {
        observedGeneration: observed,
        conditions: [
          {
            type: 'Ready',
            status,
            reason,
            message,
            observedGeneration: observed,
            lastTransitionTime: '2026-12-01T05:03:00Z',
          },
          ...(o.reconciling
            ? [
                {
                  type: 'Reconciling',
                  status: 'True',
                  reason: 'Progressing',
                  message: 'Running upgrade action',
                  observedGeneration: observed,
                },
              ]
            : []),
        ],
        ...(o.history
          ? {
              history: o.history.map((h) => ({
                chartName: 'podinfo',
                chartVersion: h.chartVersion,
                appVersion: h.chartVersion,
                configDigest: 'sha256:e15c415d62760896bd8bec192a44c5716dc224db9e0fc609b9ac14718f8f9e56',
                digest: 'sha256:e59aeb8b854f42e44756c2ef552a073051f1fc4f90e68aacbae7f824139580bc',
                firstDeployed: '2026-11-20T10:00:00Z',
                lastDeployed: '2026-12-01T05:03:00Z',
                name: 'podinfo',
                namespace: 'apps',
                status: h.status,
                version: h.version,
              })),
            }
          : {}),
        ...(o.attempted ? { lastAttemptedRevision: o.attempted } : {}),
        ...(o.applied ? { lastAppliedRevision: o.applied } : {}),
      },
    },
    null,
    2,
  );
};

// heroku releases --json with descriptions (Platform API Release; a rollback release is described
// "Rollback to vNN", devcenter "Releases").
export const herokuReleasesDescribed = (rows: [number, string, boolean, string][]) =>
  JSON.stringify(
    rows.map(([version, status, current, description]) => ({
      addon_plan_names: ['heroku-postgresql:standard-0'],
      created_at: '2026-12-01T05:00:00Z',
      description,
      status,
      id: `6b6c1f2e-0000-4000-8000-00000000${String(version).padStart(4, '0')}`,
      version,
      current,
      user: { email: 'oncall@acme.example' },
    })),
    null,
    2,
  );

// gcloud run services describe --format=json with status.traffic (TrafficTarget: revisionName,
// percent, latestRevision, tag, url) and status.observedGeneration.
export const cloudRunTraffic = (
  traffic: { revisionName?: string; percent?: number; latestRevision?: boolean; tag?: string }[],
  ready = 'True',
  observed = 13,
) =>
  JSON.stringify(
    {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'hello', generation: 13 },
      spec: { traffic: traffic.map((t) => ({ ...t })) },
      status: {
        observedGeneration: observed,
        conditions: [
          { type: 'Ready', status: ready, ...(ready === 'False' ? { reason: 'RevisionFailed' } : {}) },
          { type: 'ConfigurationsReady', status: 'True' },
          { type: 'RoutesReady', status: ready },
        ],
        latestCreatedRevisionName: 'hello-00012-xaz',
        latestReadyRevisionName: 'hello-00012-xaz',
        traffic: traffic.map((t) => ({
          ...t,
          ...(t.tag ? { url: `https://${t.tag}---hello-abcdefghij-ew.a.run.app` } : {}),
        })),
        url: 'https://hello-abcdefghij-ew.a.run.app',
      },
    },
    null,
    2,
  );

// git log --format=%x1e%H%n%B: one record per commit (0x1e, full id, raw message), newest first; a
// revert's message as git revert writes it.
export const gitLog = (commits: [string, string, string?][]) =>
  commits.map(([id, subject, body]) => `\u001e${id}\n${subject}\n${body ? `\n${body}\n` : ''}`).join('\n');
