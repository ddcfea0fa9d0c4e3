import { fromCredentialProcess } from "../credentialProcess";
import { createSignedFetch } from "../signedFetch";
import { parseCommandLine, runCommand, UsageError } from "./command";
import { explainConnectionFailure } from "./connectionError";
import { ENDPOINT_OPTIONS, endpointSettings } from "./endpointOptions";
import { OUTPUTS_OPTIONS, readApiCredentials } from "./outputsOptions";

const command = {
    name: "call",
    usage: "npm run call -- <METHOD> <path> [options]",
    summary:
        "Like awscurl: one SigV4-signed request to the API of the stack outputs (see --outputs), the body to stdout, the status to stderr. Exit code 0 for a 2xx/3xx answer, 1 for any other.",
    positionals: { min: 2, max: 2 },
    failureExitCode: 2,
    options: {
        data: {
            type: "string",
            short: "d",
            placeholder: "<body>",
            description: "request body (Content-Type defaults to application/json)",
        },
        header: {
            type: "string",
            short: "H",
            multiple: true,
            placeholder: "'Name: value'",
            description: "a request header",
        },
        include: { type: "boolean", short: "i", description: "print the response headers to stderr" },
        "credential-process": {
            type: "string",
            placeholder: "'<command>'",
            description:
                "sign with the temporary credentials this command prints (the AWS CLI's credential_process format), instead of the outputs' keys",
        },
        ...OUTPUTS_OPTIONS,
        ...ENDPOINT_OPTIONS,
    },
    examples: [
        "npm run call -- GET /pets",
        `npm run call -- POST /pets --data '{"type":"cat","price":9}'`,
        "npm run call -- GET /pets/1 -i --outputs .local/outputs-test.json",
        "npm run call -- GET http://127.0.0.1:8787/test/pets   # a full URL under the invoke URL",
        "npm run call -- GET /pets --credential-process 'aws configure export-credentials --profile ci --format process'",
        "npm run call -- GET /pets --cert client.pem --key client.key   # a custom domain with mutual TLS",
        "npm run call -- GET /pets --endpoint default   # the execute-api endpoint, not the custom domain",
    ],
} as const;

runCommand(command, async () => {
    const { values, positionals } = parseCommandLine(command);
    const [method, path] = positionals;
    const headers: Record<string, string> = {};
    for (const line of values.header ?? []) {
        const colon = line.indexOf(":");
        if (colon < 1) throw new UsageError(`-H ${JSON.stringify(line)} is not "Name: value".`);
        headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    if (values.data !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
        headers["Content-Type"] = "application/json";
    }
    const process_ = values["credential-process"];
    const credentials = readApiCredentials(command.name, values, { keys: process_ === undefined });
    const reach = endpointSettings(values);
    const signedFetch =
        process_ === undefined
            ? createSignedFetch(credentials, reach)
            : createSignedFetch({ ...credentials, credentials: fromCredentialProcess(process_) }, reach);
    const response = await signedFetch(path, { method, headers, body: values.data }).catch((e: unknown) => {
        throw explainConnectionFailure(e, credentials.invokeUrl);
    });
    process.stderr.write(`HTTP ${response.status} ${response.statusText}\n`);
    if (values.include) response.headers.forEach((value, name) => process.stderr.write(`${name}: ${value}\n`));
    process.stdout.write(await response.text());
    if (process.stdout.isTTY) process.stdout.write("\n");
    return response.ok ? 0 : 1;
});
