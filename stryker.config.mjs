// Mutation testing of the security modules (npm run mutate, outside CI; scope a run with `-- --mutate <file>`).
import { fileURLToPath } from "node:url";
import "./stryker.mocha12.mjs";

// The sandbox is two folders below the checkout, so its own `../shared` is not the checkout's (the test runners inherit this).
process.env.SECURED_REST_API_SHARED_DIR ??= fileURLToPath(new URL("../shared", import.meta.url));

const mocha12 = ["--import", new URL("./stryker.mocha12.mjs", import.meta.url).href];

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    mutate: [
        "components/openapi/{secure,cors}.ts",
        "components/policies/{resourcePolicy,operationPolicy,operationReach,invokePolicy}.ts",
        "components/callers/{callers,trust}.ts",
        "components/domain/{checks,webAcl}.ts",
        "local-aws/gateway/{sigv4,iamEvaluation,path,routing,tls,domains}.ts",
        "local-aws/identity/{sts,tokens,conditionKeys,cognito,cognitoInput}.ts",
        "policy-pack/{policies,restApis}.ts",
    ],
    testRunner: "mocha",
    // The suite's own setup: its spec, extension and `require: ["tsx/cjs"]` (Stryker runs files in-process, not mocha's `parallel`).
    // SECURED_REST_API_MUTATE_SPEC runs one room's tests instead (a glob): a module most of the suite reaches
    // takes hours otherwise, and the room's score is then a lower bound.
    mochaOptions: {
        config: ".mocharc.cjs",
        ...(process.env.SECURED_REST_API_MUTATE_SPEC ? { spec: [process.env.SECURED_REST_API_MUTATE_SPEC] } : {}),
    },
    // The test runner and checker processes load the mocha runner too.
    testRunnerNodeArgs: mocha12,
    checkerNodeArgs: mocha12,
    // A mutant that does not type-check is a compile error, not a surviving bug (tsx alone would run it).
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.json",
    // `// @ts-nocheck` only where mutants can be (local mode type-checks programs that import them); tests compare other files byte for byte.
    disableTypeChecks: "{components,local-aws}/**/*.ts",
    // Each mutant runs only the tests that reached its code.
    coverageAnalysis: "perTest",
    // A rerun tests only mutants whose code or covering tests changed.
    incremental: true,
    incrementalFile: "reports/stryker-incremental.json",
    // A copy, not the work tree: the worker (`path.join(__dirname, "iamWorker.ts")`) and `npm start`/`npm run call` resolve from the sandbox's own files.
    inPlace: false,
    tempDirName: ".stryker-tmp",
    ignorePatterns: ["/bin", "/.local", "/examples/consumer/node_modules"],
    // The machine's 2 cores are shared with others' test runs.
    concurrency: 2,
    // One in-process run of the whole suite (with coverage) comes first: slower than `npm test`'s two jobs.
    dryRunTimeoutMinutes: 30,
    // Tests that start local mode or child processes take seconds: a mutant is a timeout only well past that.
    timeoutMS: 30_000,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
};
