/**
 * Which images, Helm subcharts and custom resources are data stores: a workload running one holds
 * data a rollback does not undo (volume contents, on-disk format upgrades, replication state).
 */

/** Image or chart base names (last path segment, without tag) → engine. */
const ENGINES: [RegExp, string][] = [
  [
    /^(postgres|postgresql|postgresql-ha|postgis|timescaledb(-ha)?|pgvector|supabase-postgres|patroni|spilo(-\d+)?)$/,
    'postgres',
  ],
  [/^(mysql|mysql-server|percona-server|percona|percona-xtradb-cluster)$/, 'mysql'],
  [/^(mariadb|mariadb-galera)$/, 'mariadb'],
  [/^(mongo|mongodb|mongodb-sharded|percona-server-mongodb)$/, 'mongodb'],
  [/^(redis|redis-stack|redis-stack-server|redis-cluster|valkey|valkey-cluster|keydb|dragonfly)$/, 'redis'],
  [/^(kafka|cp-kafka|cp-server|redpanda)$/, 'kafka'],
  [/^(zookeeper|cp-zookeeper)$/, 'zookeeper'],
  [/^(rabbitmq|rabbitmq-cluster-operator)$/, 'rabbitmq'],
  [/^(elasticsearch|opensearch)$/, 'elasticsearch'],
  [/^(cassandra|scylla)$/, 'cassandra'],
  [/^(clickhouse|clickhouse-server)$/, 'clickhouse'],
  [/^(cockroach|cockroachdb)$/, 'cockroachdb'],
  [/^(etcd)$/, 'etcd'],
  [/^(minio)$/, 'minio'],
  [/^(influxdb|influxdb2)$/, 'influxdb'],
  [/^(neo4j)$/, 'neo4j'],
  [/^(couchdb|couchbase-server)$/, 'couchdb'],
  [/^(nats)$/, 'nats'],
];

/** Engines whose data usually lives only in memory: state only when a volume or persistence is set. */
export const CACHE_ENGINES = new Set(['redis', 'nats']);

function engineOfName(base: string): string | undefined {
  const b = base.toLowerCase();
  for (const [re, engine] of ENGINES) if (re.test(b)) return engine;
  return undefined;
}

/** The data store an image runs, from its repository (`docker.io/bitnami/postgresql` → postgres). */
export function engineOfImage(repository: string): string | undefined {
  const base = repository.split('/').pop() ?? '';
  return engineOfName(base);
}

/** The data store a Helm dependency (subchart) installs, by its name. */
export function engineOfChart(name: string): string | undefined {
  return engineOfName(name);
}

/** Operators' custom resources that are databases or brokers: `group/Kind` → engine. */
const OPERATOR_KINDS: Record<string, string> = {
  'postgresql.cnpg.io/Cluster': 'postgres',
  'acid.zalan.do/postgresql': 'postgres',
  'postgres-operator.crunchydata.com/PostgresCluster': 'postgres',
  'kubedb.com/Postgres': 'postgres',
  'pxc.percona.com/PerconaXtraDBCluster': 'mysql',
  'ps.percona.com/PerconaServerMySQL': 'mysql',
  'mysql.oracle.com/InnoDBCluster': 'mysql',
  'moco.cybozu.com/MySQLCluster': 'mysql',
  'kubedb.com/MySQL': 'mysql',
  'k8s.mariadb.com/MariaDB': 'mariadb',
  'mariadb.mmontes.io/MariaDB': 'mariadb',
  'psmdb.percona.com/PerconaServerMongoDB': 'mongodb',
  'mongodbcommunity.mongodb.com/MongoDBCommunity': 'mongodb',
  'kubedb.com/MongoDB': 'mongodb',
  'databases.spotahome.com/RedisFailover': 'redis',
  'redis.redis.opstreelabs.in/Redis': 'redis',
  'redis.redis.opstreelabs.in/RedisCluster': 'redis',
  'redis.redis.opstreelabs.in/RedisReplication': 'redis',
  'kubedb.com/Redis': 'redis',
  'kafka.strimzi.io/Kafka': 'kafka',
  'kafka.strimzi.io/KafkaTopic': 'kafka',
  'rabbitmq.com/RabbitmqCluster': 'rabbitmq',
  'elasticsearch.k8s.elastic.co/Elasticsearch': 'elasticsearch',
  'opensearch.opster.io/OpenSearchCluster': 'elasticsearch',
  'clickhouse.altinity.com/ClickHouseInstallation': 'clickhouse',
  'crdb.cockroachlabs.com/CrdbCluster': 'cockroachdb',
  'cassandra.datastax.com/CassandraDatacenter': 'cassandra',
  'minio.min.io/Tenant': 'minio',
};

/** The engine of an operator's custom resource, from its apiVersion and kind. */
export function engineOfResource(apiVersion: string, kind: string): string | undefined {
  const group = apiVersion.split('/')[0] ?? '';
  return OPERATOR_KINDS[`${group}/${kind}`];
}

/**
 * Kinds (without group) recognised as operators' data resources, for text-only template scans:
 * kind → engine. `Cluster` and `KafkaTopic` are too generic without their group.
 */
export const OPERATOR_KIND_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries(OPERATOR_KINDS)
    .map(([k, engine]) => [k.split('/')[1] ?? '', engine] as [string, string])
    .filter(([k]) => k !== 'Cluster' && k !== 'KafkaTopic'),
);

/** Container arguments that turn on Redis persistence (AOF or RDB snapshots). */
export function redisPersistenceArgs(args: string): boolean {
  return /--appendonly\s+yes|--save\s+["']?\d/.test(args);
}
