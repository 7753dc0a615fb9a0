// bigquery_parse.cjs: parses each query of the SQL that `gemini-doctor stats
// --sql bigquery` prints with node-sql-parser in its BigQuery dialect (a
// syntax check: BigQuery itself cannot run here). Prints the names of the
// queries parsed, one a line; exit 1 on the first that does not parse, 2
// when the parser is not installed.
//
//   node tests/tools/bigquery_parse.cjs FILE.sql [NODE_MODULES_DIR]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [file, dirArg] = process.argv.slice(2);
const dir = dirArg || path.join(process.env.GD_NPM_DIR || '/usr/local/lib/gemini-doctor-npm',
                                 'node_modules');
const entry = path.join(dir, 'node-sql-parser');
if (!fs.existsSync(path.join(entry, 'package.json'))) {
    console.error(`bigquery_parse: node-sql-parser is not installed in ${dir}; run .ci/install-deps`);
    process.exit(2);
}
const { Parser } = require(entry);
const parser = new Parser();
const pieces = [];
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^-- gd:([a-z0-9_]+)$/.exec(line);
    if (m)
        pieces.push({ name: m[1], sql: '' });
    else if (pieces.length)
        pieces[pieces.length - 1].sql += line + '\n';
}
if (pieces.length === 0) {
    console.error('bigquery_parse: no "-- gd:NAME" query in the file');
    process.exit(1);
}
for (const p of pieces) {
    try {
        parser.astify(p.sql, { database: 'bigquery' });
    } catch (e) {
        console.error(`bigquery_parse: query ${p.name} does not parse: ${e.message}`);
        process.exit(1);
    }
    console.log(p.name);
}
