import { numberOption, parseCommandLine, runCommand, UsageError } from "../clients/cli/command";
import { explainConnectionFailure } from "../clients/cli/connectionError";
import { ENDPOINT_OPTIONS, endpointSettings } from "../clients/cli/endpointOptions";
import { chooseEndpoint } from "../clients/endpoint";
import { OUTPUTS_OPTIONS, readApiCredentials } from "../clients/cli/outputsOptions";
import { fromCredentialProcess } from "../clients/credentialProcess";
import { operationsFromOutputs, operationsFromSpec } from "./operations";
import { allPassed, formatTable, runSmokeTest } from "./smokeTest";

/** How long signed checks retry against real AWS while new access keys propagate. */
const AWS_PROPAGATION_SECONDS = 90;

const command = {
    name: "smoke",
    usage: "[options]",
    summary: `Proves that every operation of the deployed API refuses each bad caller (unsigned, wrong secret, unknown key, expired signature, path changed after signing) and lets the right signature through to its integration, which must answer (a 5xx or an x-amzn-ErrorType, an error API Gateway made itself, fails); public operations are reported, and fail only if their integration did not answer. Through a custom domain (the outputs' domainUrl; --endpoint default for the execute-api endpoint) it also proves that a disabled default endpoint refuses every operation, and with --cert that the domain refuses a client without its certificate. The operations come from the stack outputs (operations), or from --spec. One row per operation and check; exit code 0 only if no row fails. Against AWS (*.amazonaws.com) signed checks retry for up to ${AWS_PROPAGATION_SECONDS} s while a new key propagates.`,
    failureExitCode: 2,
    options: {
        ...OUTPUTS_OPTIONS,
        spec: {
            type: "string",
            placeholder: "<file>",
            description: "the OpenAPI document as given to the component, when the outputs have no operations",
        },
        public: {
            type: "string",
            multiple: true,
            placeholder: "'VERB /path'",
            description: "with --spec: an operation the program lists in publicOperations",
        },
        "credential-process": {
            type: "string",
            placeholder: "'<command>'",
            description:
                "sign with the temporary credentials this command prints (the AWS CLI's credential_process format), for stacks with createUser: false",
        },
        "retry-seconds": {
            type: "string",
            placeholder: "<s>",
            description: `how long signed checks retry while a new key propagates (default ${AWS_PROPAGATION_SECONDS} on AWS, 0 elsewhere)`,
        },
        ...ENDPOINT_OPTIONS,
    },
    examples: [
        "",
        "--outputs .local/outputs-test.json",
        "--stack prod --retry-seconds 120",
        "--outputs outputs.json --spec api/petstore.openapi.yaml",
        "--credential-process 'aws configure export-credentials --profile ci --format process'",
        "--cert client.pem --key client.key   # a custom domain with mutual TLS",
    ],
} as const;

runCommand(command, async () => {
    const { values } = parseCommandLine(command);
    const retrySeconds = numberOption(values["retry-seconds"], "retry-seconds", {
        min: 0,
        what: "a number of seconds (0 or more)",
    });
    if (values.public !== undefined && values.spec === undefined)
        throw new UsageError("--public goes with --spec (the stack outputs say which operations are public)");
    const reach = endpointSettings(values);
    const process_ = values["credential-process"];
    const endpoint = readApiCredentials(command.name, values, { keys: process_ === undefined });
    const outputs = process_ === undefined ? endpoint : { ...endpoint, ...(await fromCredentialProcess(process_)()) };
    const operations =
        values.spec !== undefined ? operationsFromSpec(values.spec, values.public) : operationsFromOutputs(outputs);
    if (operations === undefined)
        throw new Error(
            "The stack outputs have no operations: export them from the program (export const operations = api.operations), or pass --spec <file> with the OpenAPI document the program deploys.",
        );
    const onAws = /\.amazonaws\.com$/.test(new URL(outputs.invokeUrl).hostname);
    const retryForSeconds = retrySeconds ?? (onAws ? AWS_PROPAGATION_SECONDS : 0);
    const source = values.spec !== undefined ? values.spec : "the stack outputs";
    const { baseUrl } = chooseEndpoint(outputs, reach.endpoint);
    console.log(`Smoke test of ${baseUrl} (region ${outputs.region}): ${operations.length} operations from ${source}`);
    const rows = await runSmokeTest(outputs, {
        operations,
        retryForSeconds,
        log: (line) => console.log(`  … ${line}`),
        ...reach,
    }).catch((e: unknown) => {
        throw explainConnectionFailure(e, outputs.invokeUrl);
    });
    console.log(formatTable(rows));
    return allPassed(rows) ? 0 : 1;
});
