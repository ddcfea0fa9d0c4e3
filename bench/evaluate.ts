// One measured evaluation, in a fresh process: runs a program on the local engine and reports, as
// JSON, the time from process start to every output resolved and the peak resident memory.
import { performance } from "perf_hooks";
import * as path from "path";
import { runProgramLocally } from "../local-aws/engine/runProgram";

const program = process.argv[2];
runProgramLocally({ projectDir: path.resolve(__dirname, ".."), program }).then(
    (run) => {
        const resolvedMs = performance.now(); // performance's origin is the process start
        process.stdout.write(
            JSON.stringify({
                resolvedMs,
                maxRssKb: process.resourceUsage().maxRSS,
                outputs: Object.keys(run.outputs).length,
            }),
        );
        process.exit(0);
    },
    (e: Error) => {
        console.error(e.message);
        process.exit(1);
    },
);
