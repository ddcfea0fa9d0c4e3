import { numberOption, parseCommandLine, runCommand } from "../clients/cli/command";
import { explainConnectionFailure } from "../clients/cli/connectionError";
import { OUTPUTS_OPTIONS, readApiCredentials } from "../clients/cli/outputsOptions";
import { formatTable, runSmokeTest } from "./smokeTest";

/** How long signed checks retry against real AWS while new access keys propagate. */
const AWS_PROPAGATION_SECONDS = 90;

const command = {
    name: "smoke",
    usage: "npm run smoke -- [options]",
    summary: `Proves the deployed API refuses every caller without the right SigV4 signature and lets the right one in; one row per check, exit code 0 only if every row passes. Against AWS (*.amazonaws.com) signed checks retry for up to ${AWS_PROPAGATION_SECONDS} s while a new key propagates.`,
    failureExitCode: 2,
    options: {
        ...OUTPUTS_OPTIONS,
        "retry-seconds": {
            type: "string",
            placeholder: "<s>",
            description: `how long signed checks retry while a new key propagates (default ${AWS_PROPAGATION_SECONDS} on AWS, 0 elsewhere)`,
        },
    },
    examples: [
        "npm run smoke",
        "npm run smoke -- --outputs .local/outputs-test.json",
        "npm run smoke -- --stack prod --retry-seconds 120",
    ],
} as const;

runCommand(command, async () => {
    const { values } = parseCommandLine(command);
    const retrySeconds = numberOption(values["retry-seconds"], "retry-seconds", {
        min: 0,
        what: "a number of seconds (0 or more)",
    });
    const outputs = readApiCredentials(command.name, values);
    const onAws = /\.amazonaws\.com$/.test(new URL(outputs.invokeUrl).hostname);
    const retryForSeconds = retrySeconds ?? (onAws ? AWS_PROPAGATION_SECONDS : 0);
    console.log(`Smoke test of ${outputs.invokeUrl} (region ${outputs.region})`);
    const rows = await runSmokeTest(outputs, { retryForSeconds, log: (line) => console.log(`  … ${line}`) }).catch(
        (e: unknown) => {
            throw explainConnectionFailure(e, outputs.invokeUrl);
        },
    );
    console.log(formatTable(rows));
    return rows.every((r) => r.pass) ? 0 : 1;
});
