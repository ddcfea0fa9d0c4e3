#!/usr/bin/env node
// The package's bin: a project that installed secured-rest-api runs the tools from its own folder,
// `npx secured-rest-api <command> [options]`.
import { closestName } from "../../components/args/argumentNames";
import { runThroughBin, USAGE_EXIT_CODE } from "./command";

/** Each command, the module that runs it (loaded only when chosen), and what it does. */
const COMMANDS: Record<string, { readonly module: string; readonly summary: string }> = {
    start: {
        module: "../../local-aws/start",
        summary: "run a Pulumi program on the embedded local AWS and serve its APIs (local mode)",
    },
    call: { module: "./call", summary: "one SigV4-signed request to the API, like awscurl" },
    smoke: { module: "../../smoke/cli", summary: "prove every operation refuses each bad caller and lets the keys in" },
    postman: { module: "./postman", summary: "write a Postman environment with the API's keys" },
};

const usage = [
    "usage: npx secured-rest-api <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(8)} ${summary}`),
    "",
    "Each command takes --help, e.g. npx secured-rest-api start --help",
    "",
].join("\n");

const [name, ...args] = process.argv.slice(2);
if (name === "--help" || name === "-h") {
    process.stdout.write(usage);
} else if (name === undefined || !Object.prototype.hasOwnProperty.call(COMMANDS, name)) {
    const meant = name === undefined ? undefined : closestName(name, Object.keys(COMMANDS));
    const problem = name === undefined ? "a command is missing" : `unknown command ${JSON.stringify(name)}`;
    process.stderr.write(`secured-rest-api: ${problem}${meant ? `; did you mean ${meant}?` : ""}\n\n${usage}`);
    process.exitCode = USAGE_EXIT_CODE;
} else {
    // The command parses the arguments after its name, as if run on its own.
    process.argv = [process.argv[0], process.argv[1], ...args];
    runThroughBin();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(COMMANDS[name].module);
}
