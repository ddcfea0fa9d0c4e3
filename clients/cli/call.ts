import { parseArgs } from "util";
import { ApiCredentials, createSignedFetch } from "../signedFetch";
import { readStackOutputs } from "./stackOutputs";

const USAGE =
    "usage: npm run call -- <METHOD> <path> [--data <body>] [-H 'Name: value']... [--include] [--stack <name> | --outputs <file>]";

/** Like awscurl: one SigV4-signed request to the API of a stack, body to stdout, status to stderr. */
async function main(): Promise<number> {
    const { values, positionals } = parseArgs({
        allowPositionals: true,
        options: {
            data: { type: "string", short: "d" },
            header: { type: "string", short: "H", multiple: true },
            include: { type: "boolean", short: "i" },
            stack: { type: "string" },
            outputs: { type: "string" },
        },
    });
    const [method, path] = positionals;
    if (!method || !path || positionals.length > 2) throw new Error(USAGE);
    const headers: Record<string, string> = {};
    for (const line of values.header ?? []) {
        const colon = line.indexOf(":");
        if (colon < 1) throw new Error(`-H ${JSON.stringify(line)} is not "Name: value".`);
        headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    if (values.data !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
        headers["Content-Type"] = "application/json";
    }
    const outputs = readStackOutputs({ file: values.outputs, stack: values.stack }) as unknown as ApiCredentials;
    const response = await createSignedFetch(outputs)(path, { method, headers, body: values.data });
    process.stderr.write(`HTTP ${response.status} ${response.statusText}\n`);
    if (values.include) response.headers.forEach((value, name) => process.stderr.write(`${name}: ${value}\n`));
    process.stdout.write(await response.text());
    if (process.stdout.isTTY) process.stdout.write("\n");
    return response.ok ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (e: Error) => {
        console.error(`call: ${e.message}`);
        process.exit(2);
    },
);
