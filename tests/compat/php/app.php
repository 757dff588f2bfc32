<?php
/**
 * The restore application's persistence, as Laravel does it, without Laravel.
 *
 * The compatibility suite needs rows written exactly the way the application
 * writes them, by a real PHP client: PDO prepared statements with Laravel's
 * connection options, Eloquent's casts on the way in (`array` = json_encode
 * with default flags, so `\/` and `\uXXXX` escapes and `[]` for an empty
 * map; booleans bound as 0/1; dates as 'Y-m-d H:i:s' in the application's
 * timezone; Carbon objects inside arrays as '2026-03-01T10:00:00.000000Z')
 * and on the way out (`toArray()`), and the application's own migrations
 * (bigint ids, `json` on PostgreSQL, MariaDB `longtext` with a json_valid
 * CHECK, extra columns, another column order). No composer, no network.
 *
 *   php app.php migrate                  create the application's tables
 *   php app.php write PLAN.json          insert the plan's worlds (see write())
 *   php app.php dump-array OUT.json      every table's models ->toArray(), as one JSON document
 *   php app.php dump-ndjson DIR          one <table>.ndjson per table, a model per line
 *   php app.php dump-resource TABLE OUT  an API resource collection: {"data": [models]}
 *
 * The connection comes from Laravel's own variables: DB_CONNECTION (pgsql,
 * mysql, mariadb, sqlite), DB_HOST, DB_PORT, DB_DATABASE, DB_USERNAME,
 * DB_PASSWORD; APP_TIMEZONE is config('app.timezone') (default UTC).
 */

declare(strict_types=1);

error_reporting(E_ALL);
set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $severity, $file, $line);
});

const TABLES = [
    'workspaces', 'managed_environments', 'backup_sets', 'backup_items',
    'operation_runs', 'restore_runs', 'evidence_snapshots',
];

/**
 * The migrations, as Blueprint calls: [column, type, modifiers]. The order is the
 * application's, not the contracts' (status and the extra columns come early).
 * Types: id, foreignId, string, text, integer, boolean, json, timestamp.
 * Modifiers: nullable, default:<sql>, constrained:<table>, cascade / nullOnDelete.
 */
const MIGRATIONS = [
    'users' => [
        ['id', 'id', []],
        ['name', 'string', []],
        ['email', 'string', []],
        ['created_at', 'timestamp', ['nullable']],
        ['updated_at', 'timestamp', ['nullable']],
    ],
    'workspaces' => [
        ['id', 'id', []],
        ['slug', 'string', ['nullable']],
        ['name', 'string', []],
        ['created_at', 'timestamp', ['nullable']],
        ['updated_at', 'timestamp', ['nullable']],
    ],
    'managed_environments' => [
        ['id', 'id', []],
        ['name', 'string', []],
        ['tenant_id', 'string', ['nullable']],
        ['workspace_id', 'foreignId', ['constrained:workspaces', 'cascade']],
        ['created_at', 'timestamp', ['nullable']],
        ['updated_at', 'timestamp', ['nullable']],
    ],
    'backup_sets' => [
        ['id', 'id', []],
        ['workspace_id', 'foreignId', ['constrained:workspaces', 'cascade']],
        ['managed_environment_id', 'foreignId', ['constrained:managed_environments', 'cascade']],
        ['name', 'string', []],
        ['status', 'string', ['nullable']],
        ['item_count', 'integer', ['nullable']],
        ['created_by', 'string', ['nullable']],
        ['completed_at', 'timestamp', ['nullable']],
        ['created_at', 'timestamp', ['nullable']],
        ['updated_at', 'timestamp', ['nullable']],
        ['deleted_at', 'timestamp', ['nullable']],
    ],
    'backup_items' => [
        ['id', 'id', []],
        ['backup_set_id', 'foreignId', ['constrained:backup_sets', 'cascade']],
        ['policy_type', 'string', []],
        ['policy_identifier', 'string', ['nullable']],
        ['display_name', 'string', ['nullable']],
        ['platform', 'string', ['nullable']],
        ['payload', 'json', ['nullable']],
        ['captured_at', 'timestamp', ['nullable']],
        ['created_at', 'timestamp', ['nullable']],
        ['updated_at', 'timestamp', ['nullable']],
    ],
    'operation_runs' => [
        ['id', 'id', []],
        ['type', 'string', []],
        ['status', 'string', []],
        ['outcome', 'string', []],
        ['queue', 'string', ["default:'default'"]],
        ['workspace_id', 'foreignId', ['constrained:workspaces', 'cascade']],
        ['managed_environment_id', 'foreignId', ['nullable', 'constrained:managed_environments', 'nullOnDelete']],
        ['user_id', 'foreignId', ['nullable']],
        ['summary_counts', 'json', ['nullable']],
        ['failure_summary', 'json', ['nullable']],
        ['context', 'json', ['nullable']],
        ['started_at', 'timestamp', ['nullable']],
        ['completed_at', 'timestamp', ['nullable']],
        ['created_at', 'timestamp', ['nullable']],
        ['updated_at', 'timestamp', ['nullable']],
    ],
    'restore_runs' => [
        ['id', 'id', []],
        ['status', 'string', []],
        ['tenant_note', 'string', ['nullable']],
        ['workspace_id', 'foreignId', ['constrained:workspaces', 'cascade']],
        ['managed_environment_id', 'foreignId', ['constrained:managed_environments', 'cascade']],
        ['backup_set_id', 'foreignId', ['constrained:backup_sets', 'cascade']],
        ['requested_by', 'foreignId', ['nullable']],
        ['is_dry_run', 'boolean', ["default:0"]],
        ['requested_items', 'json', ['nullable']],
        ['preview', 'json', ['nullable']],
        ['results', 'json', ['nullable']],
        ['metadata', 'json', ['nullable']],
        ['failure_reason', 'text', ['nullable']],
        ['started_at', 'timestamp', ['nullable']],
        ['completed_at', 'timestamp', ['nullable']],
        ['created_at', 'timestamp', ['nullable']],
        ['updated_at', 'timestamp', ['nullable']],
        // 2026_02_10_115908_add_operation_run_id_to_restore_runs_table: appended by a later migration.
        ['operation_run_id', 'foreignId', ['nullable', 'constrained:operation_runs', 'nullOnDelete']],
    ],
    'evidence_snapshots' => [
        ['id', 'id', []],
        ['workspace_id', 'foreignId', ['constrained:workspaces', 'cascade']],
        ['managed_environment_id', 'foreignId', ['constrained:managed_environments', 'cascade']],
        ['operation_run_id', 'foreignId', ['nullable', 'constrained:operation_runs', 'nullOnDelete']],
        ['status', 'string', []],
        ['completeness_state', 'string', []],
        ['summary', 'json', ['nullable']],
        ['generated_at', 'timestamp', ['nullable']],
        ['expires_at', 'timestamp', ['nullable']],
        ['created_at', 'timestamp', ['nullable']],
        ['updated_at', 'timestamp', ['nullable']],
    ],
];

/** The models' $casts (created_at and updated_at are dates on every model). */
const CASTS = [
    'workspaces' => [],
    'managed_environments' => [],
    'backup_sets' => ['item_count' => 'integer', 'completed_at' => 'datetime', 'deleted_at' => 'datetime'],
    'backup_items' => ['payload' => 'array', 'captured_at' => 'datetime'],
    'operation_runs' => [
        'summary_counts' => 'array', 'failure_summary' => 'array', 'context' => 'array',
        'started_at' => 'datetime', 'completed_at' => 'datetime',
    ],
    'restore_runs' => [
        'is_dry_run' => 'boolean', 'requested_items' => 'array', 'preview' => 'array',
        'results' => 'array', 'metadata' => 'array', 'started_at' => 'datetime',
        'completed_at' => 'datetime',
    ],
    'evidence_snapshots' => ['summary' => 'array', 'generated_at' => 'datetime', 'expires_at' => 'datetime'],
];

function config(string $key, string $default): string
{
    $value = getenv($key);
    return $value === false || $value === '' ? $default : $value;
}

function driver(): string
{
    $driver = config('DB_CONNECTION', 'sqlite');
    return $driver === 'mariadb' ? 'mysql' : $driver;
}

function app_timezone(): DateTimeZone
{
    return new DateTimeZone(config('APP_TIMEZONE', 'UTC'));
}

/** A connection configured as Illuminate\Database\Connectors configures it. */
function connection(): PDO
{
    $options = [
        PDO::ATTR_CASE => PDO::CASE_NATURAL,
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_ORACLE_NULLS => PDO::NULL_NATURAL,
        PDO::ATTR_STRINGIFY_FETCHES => false,
        PDO::ATTR_EMULATE_PREPARES => false,
    ];
    $database = config('DB_DATABASE', 'database.sqlite');
    $user = config('DB_USERNAME', 'root');
    $password = getenv('DB_PASSWORD') ?: '';
    switch (driver()) {
        case 'pgsql':
            $dsn = sprintf('pgsql:host=%s;port=%s;dbname=%s', config('DB_HOST', '127.0.0.1'), config('DB_PORT', '5432'), $database);
            $pdo = new PDO($dsn, $user, $password, $options);
            $pdo->exec("set names 'utf8'");
            return $pdo;
        case 'mysql':
            $dsn = sprintf('mysql:host=%s;port=%s;dbname=%s', config('DB_HOST', '127.0.0.1'), config('DB_PORT', '3306'), $database);
            $pdo = new PDO($dsn, $user, $password, $options);
            $pdo->exec("set names 'utf8mb4' collate 'utf8mb4_unicode_ci'");
            // config('database.connections.mysql.timezone') = '+00:00', as most applications set it.
            $pdo->exec("set time_zone = '+00:00'");
            return $pdo;
        case 'sqlite':
            $pdo = new PDO('sqlite:' . $database, null, null, $options);
            $pdo->exec('PRAGMA foreign_keys = ON');
            return $pdo;
    }
    throw new RuntimeException('unsupported DB_CONNECTION ' . driver());
}

function quote(string $name): string
{
    return driver() === 'mysql' ? "`$name`" : "\"$name\"";
}

/** One column of a CREATE TABLE, as Illuminate\Database\Schema\Grammars writes it. */
function column_sql(string $name, string $type, array $modifiers): string
{
    $driver = driver();
    $q = quote($name);
    if ($type === 'id') {
        return match ($driver) {
            'pgsql' => "$q bigserial not null primary key",
            'mysql' => "$q bigint unsigned not null auto_increment primary key",
            'sqlite' => "$q integer primary key autoincrement not null",
        };
    }
    $sql = match ([$driver, $type]) {
        ['pgsql', 'foreignId'] => 'bigint',
        ['mysql', 'foreignId'] => 'bigint unsigned',
        ['sqlite', 'foreignId'] => 'integer',
        ['pgsql', 'string'], ['mysql', 'string'] => 'varchar(255)',
        ['sqlite', 'string'] => 'varchar',
        ['pgsql', 'text'], ['mysql', 'text'], ['sqlite', 'text'] => 'text',
        ['pgsql', 'integer'], ['sqlite', 'integer'] => 'integer',
        ['mysql', 'integer'] => 'int',
        ['pgsql', 'boolean'] => 'boolean',
        ['mysql', 'boolean'], ['sqlite', 'boolean'] => 'tinyint(1)',
        ['pgsql', 'json'] => 'json',
        // MariaDB has no json type of its own: Laravel's json column is longtext + json_valid.
        ['mysql', 'json'] => 'longtext',
        ['sqlite', 'json'] => 'text',
        ['pgsql', 'timestamp'] => 'timestamp(0) without time zone',
        ['mysql', 'timestamp'] => 'timestamp',
        ['sqlite', 'timestamp'] => 'datetime',
    };
    $sql = "$q $sql " . (in_array('nullable', $modifiers, true) ? 'null' : 'not null');
    foreach ($modifiers as $modifier) {
        if (str_starts_with($modifier, 'default:')) {
            $default = substr($modifier, 8);
            if ($driver === 'pgsql' && $type === 'boolean') {
                $default = $default === '1' ? "'1'" : "'0'";
            }
            $sql .= " default $default";
        }
    }
    if ($driver === 'mysql' && $type === 'json') {
        $sql .= " check (json_valid($q))";
    }
    return $sql;
}

function migrate(PDO $db): void
{
    $db->exec(sprintf(
        'create table %s (%s, %s, %s)',
        quote('migrations'),
        column_sql('id', 'id', []),
        column_sql('migration', 'string', []),
        column_sql('batch', 'integer', [])
    ));
    foreach (MIGRATIONS as $table => $columns) {
        $parts = [];
        $keys = [];
        foreach ($columns as [$name, $type, $modifiers]) {
            $parts[] = column_sql($name, $type, $modifiers);
            foreach ($modifiers as $modifier) {
                if (str_starts_with($modifier, 'constrained:')) {
                    $on = in_array('nullOnDelete', $modifiers, true) ? 'set null' : 'cascade';
                    $keys[] = sprintf(
                        'constraint %s foreign key (%s) references %s (%s) on delete %s',
                        quote("{$table}_{$name}_foreign"), quote($name), quote(substr($modifier, 12)), quote('id'), $on
                    );
                }
            }
        }
        $suffix = driver() === 'mysql' ? ' default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB' : '';
        $db->exec(sprintf('create table %s (%s)%s', quote($table), implode(', ', array_merge($parts, $keys)), $suffix));
        $db->exec(sprintf('create index %s on %s (%s)', quote("{$table}_created_at_index"), quote($table), quote('created_at')));
        $statement = $db->prepare(sprintf('insert into %s (%s, %s) values (?, ?)', quote('migrations'), quote('migration'), quote('batch')));
        $statement->execute(["2026_01_01_000000_create_{$table}_table", 1]);
    }
}

/** 'Y-m-d H:i:s' UTC (a world's encoding) as Laravel stores a Carbon: local time of the app. */
function to_local(?string $utc): ?string
{
    if ($utc === null) {
        return null;
    }
    $date = new DateTimeImmutable($utc, new DateTimeZone('UTC'));
    return $date->setTimezone(app_timezone())->format('Y-m-d H:i:s');
}

/** What a Carbon inside an array becomes on json_encode: Carbon::toJSON(). */
function carbon_json(DateTimeImmutable $date): string
{
    return $date->setTimezone(new DateTimeZone('UTC'))->format('Y-m-d\TH:i:s.u\Z');
}

/**
 * A JSON column's value as the application builds it in PHP: timestamps are Carbon
 * objects (now(), $run->started_at), safety-check flags come from a tinyint read
 * back without a cast (0/1), durations from round() (a float), ids from the request
 * (digit text).
 */
function as_built(mixed $value, string $path): mixed
{
    if (is_array($value)) {
        $result = [];
        foreach ($value as $key => $item) {
            $result[$key] = as_built($item, "$path/$key");
        }
        return $result;
    }
    if (is_string($value) && preg_match('/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/', $value)) {
        return carbon_json(new DateTimeImmutable($value, new DateTimeZone('UTC')));
    }
    if (is_bool($value) && str_contains($path, '/execution_safety_snapshot/')) {
        return (int) $value;
    }
    if (is_int($value) && str_ends_with($path, '/duration_ms')) {
        return round($value * 1.0);
    }
    if (is_int($value) && preg_match('#^/requested_items/\d+$#', $path)) {
        return (string) $value;
    }
    return $value;
}

/** The application's user id for a requester given by name (auth()->id() of that user). */
function user_id(mixed $requester): ?int
{
    if ($requester === null || is_int($requester)) {
        return $requester;
    }
    return 1 + crc32((string) $requester) % 480;
}

/** Laravel's Connection::bindValues after prepareBindings(): bools become 0/1. */
function bind_and_run(PDOStatement $statement, array $values): void
{
    $position = 1;
    foreach ($values as $value) {
        if (is_bool($value)) {
            $value = (int) $value;
        }
        $statement->bindValue($position++, $value, is_int($value) ? PDO::PARAM_INT : PDO::PARAM_STR);
    }
    $statement->execute();
}

/** Follow a JSON pointer ('/items/5/duration_ms') into an array, for a quirk to change it. */
function &at(array &$array, string $pointer): mixed
{
    $node = &$array;
    foreach (array_slice(explode('/', $pointer), 1) as $part) {
        if (!is_array($node) || !array_key_exists($part, $node)) {
            throw new RuntimeException("no value at $pointer");
        }
        $node = &$node[$part];
    }
    return $node;
}

/**
 * Insert the plan's worlds. PLAN = {"worlds": [{"name", "tables": {table: [rows]}}],
 * "tenant_notes": bool, "quirks": [{"kind", "table", "id", "column", "pointer"?}]}.
 * Rows of restore_runs with an odd index go through the query builder
 * (DB::table()->insert() with json_encode by hand, so a null JSON value is
 * the JSON text 'null'); every other row through Eloquent (casts; null stays NULL).
 * Quirks are the PHP mistakes the suite expects findings for:
 *   double_encode  $model->column = json_encode($value) despite the array cast
 *   numeric_text   a count read from a PDO aggregate without a cast: "12"
 *   fraction       a duration from microtime() without round(): 1234.25
 *   array_filter   array_filter() on a list keeps its keys: {"1": ..., "2": ...}
 *                  (the same ids, now an object)
 */
function write(PDO $db, array $plan): void
{
    $quirks = [];
    foreach ($plan['quirks'] ?? [] as $quirk) {
        $quirks[$quirk['table']][$quirk['id']][] = $quirk;
    }
    $columns = [];
    foreach (MIGRATIONS as $table => $definition) {
        $columns[$table] = array_column($definition, 1, 0);
    }
    $db->beginTransaction();
    $index = 0;
    foreach ($plan['worlds'] as $world) {
        foreach (TABLES as $table) {
            foreach ($world['tables'][$table] ?? [] as $row) {
                $viaBuilder = $table === 'restore_runs' && $index++ % 2 === 1;
                insert_row($db, $table, $row, $columns[$table], $quirks[$table][$row['id']] ?? [], $viaBuilder, (bool) ($plan['tenant_notes'] ?? true));
            }
        }
    }
    $db->commit();
    if (driver() === 'pgsql') {
        foreach (TABLES as $table) {
            $db->query("select setval(pg_get_serial_sequence('$table', 'id'), coalesce((select max(id) from $table), 1))");
        }
    }
}

function insert_row(PDO $db, string $table, array $row, array $columns, array $quirks, bool $viaBuilder, bool $tenantNotes): void
{
    $casts = CASTS[$table] + ['created_at' => 'datetime', 'updated_at' => 'datetime'];
    $attributes = [];
    foreach ($columns as $column => $type) {
        if (!array_key_exists($column, $row)) {
            continue;
        }
        $value = $row[$column];
        $cast = $casts[$column] ?? null;
        if ($cast === 'array' && $value !== null) {
            $value = as_built($value, "/$column");
        }
        $attributes[$column] = $value;
    }
    if ($table === 'restore_runs' && array_key_exists('requested_by', $attributes)) {
        $attributes['requested_by'] = user_id($attributes['requested_by']);
    }
    if ($table === 'restore_runs' && $tenantNotes) {
        $attributes['tenant_note'] = $row['id'] % 2 === 0 ? null : "Änderungsfenster für Mandant #{$row['managed_environment_id']} / Team-Notiz";
    }
    foreach ($quirks as $quirk) {
        $column = $quirk['column'];
        switch ($quirk['kind']) {
            case 'double_encode':
                $attributes[$column] = json_encode($attributes[$column]);
                break;
            case 'numeric_text':
                $node = &at($attributes[$column], $quirk['pointer']);
                $node = (string) $node;
                unset($node);
                break;
            case 'fraction':
                $node = &at($attributes[$column], $quirk['pointer']);
                $node = $node + 0.25;
                unset($node);
                break;
            case 'array_filter':
                // The request's list began with a blank field; array_filter() drops it and
                // keeps the keys, so json_encode writes an object {"1": ..., "2": ...}.
                $attributes[$column] = array_filter(array_merge([''], $attributes[$column]));
                break;
            default:
                throw new RuntimeException("unknown quirk {$quirk['kind']}");
        }
    }
    foreach ($attributes as $column => $value) {
        $cast = $casts[$column] ?? null;
        if ($cast === 'array') {
            // HasAttributes::setAttribute: a null stays NULL; the query builder encodes it.
            $attributes[$column] = $value === null && !$viaBuilder ? null : json_encode($value);
        } elseif ($cast === 'datetime') {
            $attributes[$column] = to_local($value);
        } elseif ($cast === 'boolean' && $value !== null) {
            $attributes[$column] = (bool) $value;
        }
    }
    $names = array_keys($attributes);
    $sql = sprintf(
        'insert into %s (%s) values (%s)',
        quote($table),
        implode(', ', array_map('quote', $names)),
        implode(', ', array_fill(0, count($names), '?'))
    );
    bind_and_run($db->prepare($sql), array_values($attributes));
}

/** Model::toArray(): casts applied on the way out, dates through serializeDate(). */
function to_array(string $table, array $attributes): array
{
    $casts = CASTS[$table] + ['created_at' => 'datetime', 'updated_at' => 'datetime'];
    foreach ($attributes as $column => $value) {
        $cast = $casts[$column] ?? null;
        if ($value === null) {
            continue;
        }
        if ($cast === 'array') {
            $attributes[$column] = json_decode($value, true);
        } elseif ($cast === 'boolean') {
            $attributes[$column] = (bool) $value;
        } elseif ($cast === 'integer') {
            $attributes[$column] = (int) $value;
        } elseif ($cast === 'datetime') {
            $attributes[$column] = carbon_json(new DateTimeImmutable($value, app_timezone()));
        }
    }
    return $attributes;
}

/** Model::query()->orderBy('id')->cursor(), each model as toArray(). */
function models(PDO $db, string $table): Generator
{
    $statement = $db->query(sprintf('select * from %s order by %s', quote($table), quote('id')));
    while (($row = $statement->fetch(PDO::FETCH_ASSOC)) !== false) {
        yield to_array($table, $row);
    }
}

function main(array $argv): int
{
    $command = $argv[1] ?? '';
    $arguments = ['migrate' => 0, 'write' => 1, 'dump-array' => 1, 'dump-ndjson' => 1, 'dump-resource' => 2];
    if (!isset($arguments[$command]) || count($argv) - 2 !== $arguments[$command]) {
        fwrite(STDERR, "usage: php app.php migrate | write PLAN.json | dump-array OUT.json | dump-ndjson DIR | dump-resource TABLE OUT.json\n");
        return 2;
    }
    $db = connection();
    switch ($command) {
        case 'migrate':
            migrate($db);
            return 0;
        case 'write':
            write($db, json_decode(file_get_contents($argv[2]), true, 512, JSON_THROW_ON_ERROR));
            return 0;
        case 'dump-array':
            $document = [];
            foreach (TABLES as $table) {
                $document[$table] = iterator_to_array(models($db, $table), false);
            }
            file_put_contents($argv[2], json_encode($document));
            return 0;
        case 'dump-resource':
            // return RestoreRunResource::collection(RestoreRun::all()): the API's JSON body.
            $models = iterator_to_array(models($db, $argv[2]), false);
            file_put_contents($argv[3], json_encode(['data' => $models]));
            return 0;
        case 'dump-ndjson':
            foreach (TABLES as $table) {
                $file = fopen($argv[2] . "/$table.ndjson", 'wb');
                foreach (models($db, $table) as $model) {
                    fwrite($file, json_encode($model) . "\n");
                }
                fclose($file);
            }
            return 0;
    }
    return 2;
}

exit(main($argv));
