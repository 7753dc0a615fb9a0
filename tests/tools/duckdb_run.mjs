// duckdb_run.mjs: runs the SQL that `gemini-doctor stats --sql duckdb` prints
// in DuckDB (the @duckdb/node-api package from npm) and prints one JSON
// object: each query's rows under its "-- gd:NAME" line.
//
//   node tests/tools/duckdb_run.mjs FILE.sql [NODE_MODULES_DIR]
//
// The package is looked up in NODE_MODULES_DIR, else $GD_NPM_DIR/node_modules,
// else /usr/local/lib/gemini-doctor-npm/node_modules (where .ci/install-deps
// puts it). Exit 2 when DuckDB is not installed, 1 when a query fails.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, dirArg] = process.argv.slice(2);
const dir = dirArg || join(process.env.GD_NPM_DIR || '/usr/local/lib/gemini-doctor-npm',
                            'node_modules');
const entry = join(dir, '@duckdb', 'node-api', 'lib', 'index.js');
if (!existsSync(entry)) {
    console.error(`duckdb_run: DuckDB is not installed (no ${entry}); run .ci/install-deps`);
    process.exit(2);
}
const { DuckDBInstance } = await import(pathToFileURL(entry).href);

// The script is split at its "-- gd:NAME" lines; each piece is one statement.
const pieces = [];
for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^-- gd:([a-z0-9_]+)$/.exec(line);
    if (m)
        pieces.push({ name: m[1], sql: '' });
    else if (pieces.length)
        pieces[pieces.length - 1].sql += line + '\n';
}
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const out = {};
for (const p of pieces) {
    try {
        const r = await con.runAndReadAll(p.sql);
        out[p.name] = r.getRowObjectsJS();
    } catch (e) {
        console.error(`duckdb_run: query ${p.name}: ${e.message}`);
        process.exit(1);
    }
}
const plain = (k, v) => (typeof v === 'bigint' ? Number(v) : v);
console.log(JSON.stringify(out, plain));
