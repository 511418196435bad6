// Drives a running skill with virtual-alexa: utterances in, Alexa's requests and the skill's
// responses out. Used by tests/test_virtual_alexa.py; the checks live there.
//
// stdin (JSON):  {"model": "<interaction model file>", "url": "<skill URL>", "locale": "en-GB",
//                 "conversations": [{"name": "...", "turns": ["utterance", ...]}],
//                 "grammar": {"invocation": "...", "launch": [...], "one_shot": [...],
//                             "connectors": [...], "wake": [...]}}   (optional)
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
//
// virtual-alexa takes any utterance holding ask, open, tell, launch or "talk to" anywhere for a
// launch ("tell me more" opens the skill) and knows only "ask <name> to ..." as a one-shot.
// With a "grammar" (the launch phrases of content/utterances.yaml), a turn is read as Alexa's
// documented invocation grammar reads it instead: "<launch> <name>" opens the skill,
// "<one-shot> <name> [connector] <words>" sends the words, and anything else is an utterance
// matched against the samples as it is, whatever words it holds.
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

function escape(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function alternatives(words) {
    return [...words].sort((a, b) => b.length - a.length).map(escape).join("|");
}

// Alexa's reading of a turn: true for a launch, or the words to match against the samples.
function grammarReader(grammar) {
    const name = escape(grammar.invocation);
    const wake = new RegExp(`^(?:${alternatives(grammar.wake)})[,]?\\s+`, "i");
    const launch = new RegExp(`^(?:${alternatives(grammar.launch)})\\s+${name}$`, "i");
    const oneShot = new RegExp(
        `^(?:${alternatives([...grammar.one_shot, ...grammar.launch])})\\s+${name}\\s+` +
            `(?:(?:${alternatives(grammar.connectors)})\\s+)?(.+)$`,
        "i",
    );
    const askOnly = new RegExp(`^(?:${alternatives(grammar.one_shot)})\\s+${name}$`, "i");
    return (utterance) => {
        // Alexa hears no punctuation: "ask trigger point coach, my knee ..." is one phrase.
        const text = utterance.replace(/[,.!?;:]+/g, " ").replace(/\s+/g, " ").trim().replace(wake, "");
        if (launch.test(text) || askOnly.test(text)) {
            return true;
        }
        const found = oneShot.exec(text);
        return found ? found[1] : text;
    };
}

async function converse(model, url, conversation, locale, grammar) {
    const alexa = va.VirtualAlexa.Builder().interactionModelFile(model).locale(locale || "en-US").skillURL(url).create();
    if (grammar) {
        alexa.parseLaunchRequest = grammarReader(grammar);
    }
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
        results.push(await converse(input.model, input.url, conversation, input.locale, input.grammar));
    }
    process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
    process.stderr.write(String((error && error.stack) || error) + "\n");
    process.exit(1);
});
