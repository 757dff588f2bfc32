// Validates a batch of documents with ajv (draft 2020-12, strict mode) against the
// published schema files; driven by tests/compat/test_ajv.py, one process per batch.
//
// stdin:  {"directories": [dir, ...], "annotations": [keyword, ...],
//          "documents": [[schemaId, document], ...]}
// stdout: [null | [{"instancePath", "schemaPath", "keyword", "message"}, ...], ...]
//         one entry per document, in order: null when the document is valid.
// Exit 2 with one line on stderr when a schema does not load or compile.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

function main() {
  const request = JSON.parse(readFileSync(0, "utf8"));
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  for (const keyword of request.annotations) ajv.addKeyword(keyword);
  const ids = [];
  for (const directory of request.directories) {
    for (const file of readdirSync(directory).sort()) {
      if (file.endsWith(".schema.json")) {
        const schema = JSON.parse(readFileSync(join(directory, file), "utf8"));
        ajv.addSchema(schema);
        ids.push(schema.$id);
      }
    }
  }
  // every file compiles up front, so strict mode sees each one, used or not
  const compiled = new Map(ids.map((id) => [id, ajv.getSchema(id)]));
  const verdicts = request.documents.map(([schemaId, document]) => {
    if (!compiled.has(schemaId)) {
      const validate = ajv.getSchema(schemaId);
      if (validate === undefined) throw new Error(`no schema has $id ${schemaId}`);
      compiled.set(schemaId, validate);
    }
    const validate = compiled.get(schemaId);
    if (validate(document)) return null;
    return validate.errors.map((e) => ({
      instancePath: e.instancePath,
      schemaPath: e.schemaPath,
      keyword: e.keyword,
      message: e.message,
    }));
  });
  process.stdout.write(JSON.stringify(verdicts));
}

try {
  main();
} catch (error) {
  process.stderr.write(`ajv: ${error.message}\n`);
  process.exit(2);
}
