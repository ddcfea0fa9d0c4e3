import { ChildProcessWithoutNullStreams, spawn } from "child_process";
import * as path from "path";
import { expect } from "chai";
import { POLICY_PACK_DIR } from "../../local-aws/policyPack";
import { NODE_WITH_TSX, runTool } from "../helpers/cli";
import { TRANSPILED_ENV } from "../helpers/localAws";
import { PROJECT_DIR } from "../helpers/specs";

const OPEN = ["--port", "0", "--program", "tests/fixtures/programs/openBody.ts"];

/** Resolves with what the process printed once `done` says so; rejects if it exits first. */
function printedUntil(child: ChildProcessWithoutNullStreams, done: (printed: string) => boolean): Promise<string> {
    let printed = "";
    return new Promise((resolve, reject) => {
        const take = (chunk: Buffer) => {
            printed += chunk.toString();
            if (done(printed)) resolve(printed);
        };
        child.stdout.on("data", take);
        child.stderr.on("data", take);
        child.on("exit", (code) => reject(new Error(`exited (${code}): ${printed}`)));
    });
}

describe("npm start runs the policy pack before serving, as pulumi preview --policy-pack would", function () {
    this.timeout(120_000);

    it("prints a mandatory violation as a preview does and exits 1 without serving", async () => {
        const result = await runTool("local-aws/start.ts", OPEN, TRANSPILED_ENV);
        expect(result.code).to.equal(1);
        expect(result.stdout).to.match(
            /^Policy Violations:\n {4}\[mandatory\] {2}secured-rest-api-guard v0\.1\.0 {2}rest-api-methods-require-iam \(open: aws:apigateway\/restApi:RestApi\)$/m,
        );
        expect(result.stdout).to.include('REST API "open-api": GET /health has no authorization');
        expect(result.stdout).not.to.include("Serving until");
        expect(result.stderr).to.match(/^start: 1 mandatory policy violation of secured-rest-api-guard \(above\)/m);
    });

    it("serves once the configuration lists the operation public; advisories are printed and do not stop it", async () => {
        const child = spawn(
            NODE_WITH_TSX[0],
            [
                ...NODE_WITH_TSX.slice(1),
                "local-aws/start.ts",
                ...OPEN,
                "--policy-pack-config",
                "tests/fixtures/programs/openBody.policy-pack-config.json",
            ],
            { cwd: PROJECT_DIR, env: { ...process.env, ...TRANSPILED_ENV } },
        );
        try {
            const printed = await printedUntil(child, (p) => p.includes("Serving until"));
            expect(printed).to.include(
                "[advisory]  secured-rest-api-guard v0.1.0  rest-api-stages-logged-and-throttled",
            );
            expect(printed).not.to.include("[mandatory]");
        } finally {
            child.kill("SIGTERM");
        }
    });

    it("a configuration file that is not JSON is refused, naming the file and the format", async () => {
        const result = await runTool(
            "local-aws/start.ts",
            [...OPEN, "--policy-pack-config", "README.md"],
            TRANSPILED_ENV,
        );
        expect(result.code).to.equal(1);
        expect(result.stderr).to.match(/^start: The policy pack configuration .*README\.md is not a JSON object/m);
    });
});

describe("the pack loads as the Pulumi CLI runs it (its analyzer: @pulumi/pulumi's run-policy-pack, TypeScript checked)", function () {
    this.timeout(120_000);

    it("compiles policy-pack/ with its own tsconfig.json and serves the analyzer, printing its port", async () => {
        const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
        const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: POLICY_PACK_DIR });
        try {
            const printed = await printedUntil(child, (p) => /^\d+\n/.test(p));
            expect(Number(printed.trim())).to.be.greaterThan(0);
        } finally {
            child.kill("SIGTERM");
        }
        expect(path.relative(PROJECT_DIR, POLICY_PACK_DIR)).to.equal("policy-pack");
    });
});
