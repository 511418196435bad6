// Checks APL documents and datasources with Amazon's own validator (npm apl-suggester,
// StaticAplTemplateValidator). Used by tests/test_screens.py; the checks live there.
//
// stdin (JSON):  [{"name": "...", "document": {...}, "datasources": {...}}, ...]
// stdout (JSON): [{"name": "...", "document": [info, ...], "datasources": [info, ...]}, ...]
//                where info is {"level": "ERROR" | "WARNING", "path": "...", "message": "..."}
"use strict";

const { StaticAplTemplateValidator } = require("apl-suggester");

function readStdin() {
    return new Promise((resolve, reject) => {
        const chunks = [];
        process.stdin.on("data", (chunk) => chunks.push(chunk));
        process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        process.stdin.on("error", reject);
    });
}

function simplify(infos) {
    return (infos || []).map((info) => ({
        level: info.level || "ERROR",
        path: info.path,
        message: info.errorMessage,
    }));
}

async function main() {
    // The validator logs notes of its own with console.log; keep stdout for the results.
    console.log = (...args) => process.stderr.write(args.join(" ") + "\n");
    const items = JSON.parse(await readStdin());
    const validator = new StaticAplTemplateValidator();
    const results = [];
    for (const item of items) {
        const document = simplify(await validator.validate(item.document));
        const datasources = item.datasources
            ? simplify(await validator.validateDataSources(item.datasources))
            : [];
        results.push({ name: item.name, document, datasources });
    }
    process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
    process.stderr.write(String((error && error.stack) || error) + "\n");
    process.exit(1);
});
