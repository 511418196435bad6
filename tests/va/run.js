// Drives a running skill with virtual-alexa: utterances in, Alexa's requests and the skill's
// responses out. Used by tests/test_virtual_alexa.py; the checks live there.
//
// stdin (JSON):  {"model": "<interaction model file>", "url": "<skill URL>", "locale": "en-GB",
//                 "conversations": [{"name": "...", "turns": ["utterance", ...]}]}
//                 A turn may be {"utterance": "...", "days": N}: its request's timestamp (and that
//                 of the turns after it, until another says otherwise) is moved N days on from
//                 now, so that a conversation can run over several days.
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
    let days = 0;
    alexa.filter((json) => {
        if (days && json.request && json.request.timestamp) {
            const moved = Date.parse(json.request.timestamp) + days * 86400000;
            json.request.timestamp = new Date(moved).toISOString();
        }
        request = JSON.parse(JSON.stringify(json));
    });
    const turns = [];
    for (const turn of conversation.turns) {
        const utterance = typeof turn === "string" ? turn : turn.utterance;
        if (typeof turn !== "string" && typeof turn.days === "number") {
            days = turn.days;
        }
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
