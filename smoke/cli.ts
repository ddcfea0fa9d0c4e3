import { parseArgs } from "util";
import { readStackOutputs } from "../clients/cli/stackOutputs";
import { formatTable, runSmokeTest, SmokeOutputs } from "./smokeTest";

/** How long signed checks retry against real AWS while new access keys propagate. */
const AWS_PROPAGATION_SECONDS = 90;

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: { stack: { type: "string" }, outputs: { type: "string" }, "retry-seconds": { type: "string" } },
    });
    const outputs = readStackOutputs({ file: values.outputs, stack: values.stack }) as unknown as SmokeOutputs;
    const onAws = /\.amazonaws\.com(\/|$)/.test(new URL(String(outputs.invokeUrl)).host + "/");
    const retryForSeconds =
        values["retry-seconds"] !== undefined ? Number(values["retry-seconds"]) : onAws ? AWS_PROPAGATION_SECONDS : 0;
    console.log(`Smoke test of ${String(outputs.invokeUrl)} (region ${String(outputs.region)})`);
    const rows = await runSmokeTest(outputs, { retryForSeconds, log: (line) => console.log(`  … ${line}`) });
    console.log(formatTable(rows));
    return rows.every((r) => r.pass) ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (e: Error) => {
        console.error(`smoke: ${e.message}`);
        process.exit(2);
    },
);
