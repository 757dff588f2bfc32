<?php
/**
 * Just enough of Laravel and PHPUnit to run the seeder and PHPUnit test of docs/php.md with plain
 * php-cli, no composer: the classes they name, behaving as the real ones do where it matters.
 *
 * - DB::table($t)->insert($rows) as Illuminate\Database\Query\Builder::insert does it: each
 *   row's keys sorted (ksort), one multi-row `insert into "t" (cols) values (?, ...), ...`
 *   with the first row's columns, bindings prepared as Connection::prepareBindings does
 *   (booleans as 0/1) and bound as Connection::bindValues does (int as PARAM_INT, anything
 *   else as PARAM_STR, so an array is refused by PDO like in Laravel). Rows whose columns
 *   differ from the first row's are refused here (Laravel would misalign their values).
 * - PHPUnit's TestCase assertions used by docs/php.md, and the DataProvider attribute.
 *
 *   php laravel_shim.php seed DATABASE.sqlite SEEDER.php CLASS BASE_PATH
 *   php laravel_shim.php test TEST.php CLASS     prints {"tests": n, "assertions": n}
 */

declare(strict_types=1);

namespace PHPUnit\Framework\Attributes {
    #[\Attribute(\Attribute::TARGET_METHOD | \Attribute::IS_REPEATABLE)]
    final class DataProvider
    {
        public function __construct(public readonly string $methodName)
        {
        }
    }
}

namespace PHPUnit\Framework {
    final class AssertionFailedError extends \RuntimeException
    {
    }

    abstract class TestCase
    {
        public static int $assertions = 0;

        private static function check(bool $holds, string $message): void
        {
            self::$assertions++;
            if (!$holds) {
                throw new AssertionFailedError($message);
            }
        }

        public function assertSame(mixed $expected, mixed $actual): void
        {
            self::check($expected === $actual, 'Failed asserting that ' . var_export($actual, true) . ' is identical to ' . var_export($expected, true));
        }

        public function assertContains(mixed $needle, iterable $haystack): void
        {
            self::check(in_array($needle, [...$haystack], true), 'Failed asserting that the haystack contains ' . var_export($needle, true));
        }

        public function assertIsArray(mixed $actual): void
        {
            self::check(is_array($actual), 'Failed asserting that ' . var_export($actual, true) . ' is of type array');
        }

        public function assertNotEmpty(mixed $actual): void
        {
            self::check(!empty($actual), 'Failed asserting that a value is not empty');
        }
    }
}

namespace Illuminate\Database {
    abstract class Seeder
    {
        abstract public function run(): void;
    }
}

namespace Illuminate\Database\Query {
    use PDO;

    final class Builder
    {
        public function __construct(private PDO $pdo, private string $table)
        {
        }

        /** @param array<int|string, mixed> $values */
        public function insert(array $values): bool
        {
            if ($values === []) {
                return true;
            }
            if (!is_array(reset($values))) {
                $values = [$values];
            } else {
                foreach ($values as $key => $value) {
                    ksort($value);
                    $values[$key] = $value;
                }
            }
            $columns = array_keys(reset($values));
            $bindings = [];
            foreach ($values as $record) {
                if (array_keys($record) !== $columns) {
                    throw new \InvalidArgumentException("rows of {$this->table} have different columns");
                }
                foreach ($record as $value) {
                    $bindings[] = is_bool($value) ? (int) $value : $value;
                }
            }
            $quote = static fn (string $name): string => '"' . str_replace('"', '""', $name) . '"';
            $row = '(' . implode(', ', array_fill(0, count($columns), '?')) . ')';
            $sql = sprintf(
                'insert into %s (%s) values %s',
                $quote($this->table),
                implode(', ', array_map($quote, $columns)),
                implode(', ', array_fill(0, count($values), $row))
            );
            $statement = $this->pdo->prepare($sql);
            foreach ($bindings as $index => $value) {
                $statement->bindValue($index + 1, $value, is_int($value) ? PDO::PARAM_INT : PDO::PARAM_STR);
            }
            return $statement->execute();
        }
    }
}

namespace Illuminate\Support\Facades {
    use Illuminate\Database\Query\Builder;
    use PDO;

    final class DB
    {
        public static ?PDO $pdo = null;

        public static function table(string $table): Builder
        {
            return new Builder(self::$pdo ?? throw new \LogicException('no connection'), $table);
        }
    }
}

namespace {
    use Illuminate\Support\Facades\DB;
    use PHPUnit\Framework\Attributes\DataProvider;
    use PHPUnit\Framework\TestCase;

    error_reporting(E_ALL);
    set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
        throw new ErrorException($message, 0, $severity, $file, $line);
    });

    function base_path(string $path = ''): string
    {
        return rtrim((string) getenv('BASE_PATH'), '/') . ($path === '' ? '' : '/' . $path);
    }

    [, $command] = $argv;
    if ($command === 'seed') {
        [, , $database, $file, $class, $basePath] = $argv;
        putenv("BASE_PATH=$basePath");
        DB::$pdo = new PDO('sqlite:' . $database, null, null, [
            PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
            PDO::ATTR_EMULATE_PREPARES => false,
        ]);
        DB::$pdo->exec('PRAGMA foreign_keys = ON');
        require $file;
        DB::$pdo->beginTransaction();
        (new $class())->run();
        DB::$pdo->commit();
        echo "seeded\n";
    } elseif ($command === 'test') {
        [, , $file, $class] = $argv;
        require $file;
        $tests = 0;
        foreach ((new ReflectionClass($class))->getMethods() as $method) {
            if (!str_starts_with($method->getName(), 'test')) {
                continue;
            }
            $datasets = [[]];
            foreach ($method->getAttributes(DataProvider::class) as $attribute) {
                $datasets = $class::{$attribute->newInstance()->methodName}();
            }
            foreach ($datasets as $arguments) {
                (new $class())->{$method->getName()}(...$arguments);
                $tests++;
            }
        }
        echo json_encode(['tests' => $tests, 'assertions' => TestCase::$assertions]), "\n";
    } else {
        fwrite(STDERR, "usage: php laravel_shim.php seed|test ...\n");
        exit(2);
    }
}
