<?php
/**
 * Loads generated PHP fixture files, all in this one process, and prints what PHP holds.
 *
 *   php load_fixtures.php PLAN.json
 *
 * PLAN: [{"path": FILE.php, "arrays": FILE.php or null, "json_cells": [[table, row index,
 * column], ...]}, ...]. Prints one JSON document: per file, "document" is json_encode of what
 * the file returns (slashes and unicode unescaped, zero fractions kept, so it compares with
 * the JSON format), and "encoded" is, per JSON cell, [the JSON text the file holds,
 * json_encode with its default flags of the same cell in "arrays" (the --php-json array file
 * of the same world)]: equal when the text is byte for byte what Eloquent's array cast writes
 * for that value.
 */

declare(strict_types=1);

error_reporting(E_ALL);
set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $severity, $file, $line);
});

$plan = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
$results = [];
foreach ($plan as $entry) {
    $document = require $entry['path'];
    $arrays = $entry['arrays'] === null ? null : require $entry['arrays'];
    $encoded = [];
    foreach ($entry['json_cells'] as [$table, $index, $column]) {
        $encoded[] = [$document[$table][$index][$column], json_encode($arrays[$table][$index][$column], JSON_THROW_ON_ERROR)];
    }
    $results[] = ['document' => $document, 'encoded' => $encoded];
}
echo json_encode(
    $results,
    JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR
), "\n";
