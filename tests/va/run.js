// Drives a running skill with virtual-alexa: utterances in, Alexa's requests and the skill's
// responses out. Used by tests/test_virtual_alexa.py; the checks live there.
//
// stdin (JSON):  {"model": "<interaction model file>", "url": "<skill URL>", "locale": "en-GB",
//                 "conversations": [{"name": "...", "turns": ["utterance", ...]}]}
// stdout (JSON): [{"name": "...", "turns": [{"utterance": "...", "request": {...},
//                  "response": {...}} | {"utterance": "...", "error": "..."}]}]
//
// Each conversation is a new virtual device and user, so sessions and saved progress do not
// leak between them. Within a conversation virtual-alexa carries the session attributes, opens
// a new session after one ends, and turns "open ..."/"ask ..." into a LaunchRequest. A turn
// virtual-alexa cannot match to any sample is reported as an error and ends that conversation.
"use strict";

const va = require("virtual-alexa");

function readStdin() {
    return new Promise((resolve, reject) => {
        const chunks = [];
        process.stdin.on("data", (chunk) => chunks.push(chunk));
        process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        process.stdin.on("error", reject);
    });
}

async function converse(model, url, conversation, locale) {
    const alexa = va.VirtualAlexa.Builder().interactionModelFile(model).locale(locale || "en-US").skillURL(url).create();
    let request = null;
    alexa.filter((json) => {
        request = JSON.parse(JSON.stringify(json));
    });
    const turns = [];
    for (const utterance of conversation.turns) {
        request = null;
        try {
            const response = await alexa.utter(utterance);
            turns.push({ utterance, request, response: JSON.parse(JSON.stringify(response)) });
        } catch (error) {
            turns.push({ utterance, request, error: String((error && error.message) || error) });
            break;
        }
    }
    return { name: conversation.name, turns };
}

async function main() {
    const input = JSON.parse(await readStdin());
    const results = [];
    for (const conversation of input.conversations) {
        results.push(await converse(input.model, input.url, conversation, input.locale));
    }
    process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
    process.stderr.write(String((error && error.stack) || error) + "\n");
    process.exit(1);
});
