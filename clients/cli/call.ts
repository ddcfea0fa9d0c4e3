import { fromCredentialProcess } from "../credentialProcess";
import { nearestNames } from "../../components/args/argumentNames";
import { mostSpecificTemplate } from "../../components/openapi/paths";
import { operationsFromOutputs } from "../../smoke/operations";
import { createSignedFetch } from "../signedFetch";
import { parseCommandLine, runCommand, UsageError } from "./command";
import { explainConnectionFailure } from "./connectionError";
import { ENDPOINT_OPTIONS, endpointSettings } from "./endpointOptions";
import { OUTPUTS_OPTIONS, readApiCredentials } from "./outputsOptions";

const command = {
    name: "call",
    usage: "<METHOD> <path> [options]",
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
        "GET /pets",
        `POST /pets --data '{"type":"cat","price":9}'`,
        "GET /pets/1 -i --outputs .local/outputs-test.json",
        "GET http://127.0.0.1:8787/test/pets   # a full URL under the invoke URL",
        "GET /pets --credential-process 'aws configure export-credentials --profile ci --format process'",
        "GET /pets --cert client.pem --key client.key   # a custom domain with mutual TLS",
        "GET /pets --endpoint default   # the execute-api endpoint, not the custom domain",
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
    const hint = unknownOperationHint(response, method, credentials);
    if (hint) process.stderr.write(`${command.name}: ${hint}\n`);
    if (values.include) response.headers.forEach((value, name) => process.stderr.write(`${name}: ${value}\n`));
    process.stdout.write(await response.text());
    if (process.stdout.isTTY) process.stdout.write("\n");
    return response.ok ? 0 : 1;
});

/**
 * For an answer API Gateway gives an unknown path or verb (403 Missing Authentication Token, as if
 * unsigned), the closest operations of the outputs' `operations`, when the request reached none of them.
 */
function unknownOperationHint(
    response: Response,
    method: string,
    outputs: Record<string, unknown>,
): string | undefined {
    if (response.status !== 403 || response.headers.get("x-amzn-errortype") !== "MissingAuthenticationTokenException")
        return undefined;
    let operations;
    try {
        operations = operationsFromOutputs(outputs);
    } catch {
        return undefined; // outputs of another shape: nothing to compare with
    }
    if (!operations || operations.length === 0) return undefined;
    const stagePath = new URL(String(outputs.invokeUrl)).pathname.replace(/\/$/, "");
    const below = new URL(response.url).pathname.slice(stagePath.length);
    let segments: string[];
    try {
        segments = below === "" || below === "/" ? [] : below.slice(1).split("/").map(decodeURIComponent);
    } catch {
        return undefined; // a malformed escape: not a path any operation has
    }
    const verb = method.toUpperCase();
    const template = mostSpecificTemplate(new Set(operations.map((o) => o.path)), segments);
    if (operations.some((o) => o.path === template && (o.verb === verb || o.verb === "ANY"))) return undefined;
    const request = `${verb} ${below || "/"}`;
    const closest = nearestNames(
        request,
        operations.map((o) => `${o.verb} ${o.path}`),
        3,
    );
    return `${request} is no operation of this API (API Gateway answers it as if unsigned); the closest: ${closest.join(", ")}.`;
}
