import { parseCommandLine, runCommand } from "../clients/cli/command";

const command = {
    name: "bench",
    usage: "[options]",
    summary:
        "Measures the program's evaluation against raw @pulumi/aws, how the component scales with the API, the local gateway's throughput against a plain Node server and a SigV4-verifying one, a Lambda proxy route against its handler called in-process, npm start's time to serving, and npm test's wall time; a full run writes bench/results.json and bench/results.md and refreshes the table in docs/benchmarks.md. It reports; it never fails on a number.",
    options: {
        quick: { type: "boolean", description: "fewer runs and shorter loads, for a rough run that records nothing" },
        only: {
            type: "string",
            placeholder: "<section>",
            description:
                "run one section (program, scale, gateway, lambda, start or tests), print it and record nothing",
        },
    },
    examples: ["", "--quick", "--quick --only lambda"],
} as const;

runCommand(command, async () => {
    const { values } = parseCommandLine(command);
    // Loaded only now: the benchmark's modules take a second to load, which --help need not wait for.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runBench } = require("./run") as typeof import("./run");
    await runBench({ quick: values.quick ?? false, only: values.only });
    return 0;
});
