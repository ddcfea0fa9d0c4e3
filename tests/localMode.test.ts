import { ChildProcess, execFile, spawn } from "child_process";
import { promisify } from "util";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { outputsAsJson } from "../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../local-aws/localMode";
import { CHECKS, runSmokeTest, SmokeOutputs } from "../smoke/smokeTest";
import { PROJECT_DIR } from "./helpers/specs";

const PETS = [
    { id: 1, type: "dog", price: 249.99 },
    { id: 2, type: "cat", price: 124.99 },
    { id: 3, type: "fish", price: 0.99 },
];

const run = promisify(execFile);

/** Runs curl in a child process (never synchronously: the gateway answers from this process). */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
    const { stdout: out } = await run("curl", ["-s", "-w", "\n%{http_code}", ...args], { encoding: "utf8" });
    const at = out.lastIndexOf("\n");
    return { body: out.slice(0, at), status: Number(out.slice(at + 1)) };
}

describe("local mode: the program on the embedded engine, served by the local gateway", () => {
    let local: LocalMode;
    let outputs: SmokeOutputs;
    before(async () => {
        local = await startLocalMode({ projectDir: PROJECT_DIR });
        outputs = outputsAsJson(local.outputs) as unknown as SmokeOutputs;
    });
    after(() => local.close());

    it("serves the stage at its invokeUrl on loopback", () => {
        expect(outputs.invokeUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/test$/);
        expect(outputs.accessKeyId).to.match(/^AKIA[A-Z2-7]{16}$/);
        expect(outputs.secretAccessKey).to.have.length(40);
    });

    it("passes every row of the signed smoke test", async () => {
        const rows = await runSmokeTest(outputs);
        expect(rows.map((r) => r.check)).to.deep.equal(CHECKS.map((c) => c.name));
        for (const row of rows) expect(row.pass, `${row.check}: ${row.seen}`).to.equal(true);
    });

    it("answers curl --aws-sigv4, an independent SigV4 client", async () => {
        const sigv4 = [
            "--aws-sigv4",
            `aws:amz:${outputs.region}:execute-api`,
            "--user",
            `${outputs.accessKeyId}:${outputs.secretAccessKey}`,
        ];
        const signed = await curl([...sigv4, `${outputs.invokeUrl}/pets/3`]);
        expect(signed).to.deep.equal({
            status: 200,
            body: JSON.stringify(PETS[2]).replace(/,/g, ", ").replace(/:/g, ": "),
        });
        const list = await curl([...sigv4, `${outputs.invokeUrl}/pets`]);
        expect(JSON.parse(list.body)).to.deep.equal(PETS);
        expect(await curl([`${outputs.invokeUrl}/pets`])).to.deep.equal({
            status: 403,
            body: '{"message":"Missing Authentication Token"}',
        });
        const posted = await curl([
            ...sigv4,
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "--data",
            '{"type":"dog","price":1}',
            `${outputs.invokeUrl}/pets`,
        ]);
        expect(posted.status).to.equal(201);
    });

    it("answers an undefined path or verb like a missing signature, even when signed (no 404)", async () => {
        const sigv4 = [
            "--aws-sigv4",
            `aws:amz:${outputs.region}:execute-api`,
            "--user",
            `${outputs.accessKeyId}:${outputs.secretAccessKey}`,
        ];
        for (const args of [
            [`${outputs.invokeUrl}/nowhere`],
            [...sigv4, `${outputs.invokeUrl}/nowhere`],
            [...sigv4, "-X", "DELETE", `${outputs.invokeUrl}/pets`],
        ]) {
            expect(await curl(args)).to.deep.equal({ status: 403, body: '{"message":"Missing Authentication Token"}' });
        }
    });
});

describe("two APIs in one local account", () => {
    async function callSecondWithFirstKeys(stack: "scoped" | "managed") {
        const local = await startLocalMode({ projectDir: path.join(PROJECT_DIR, "tests/fixtures/twoApis"), stack });
        try {
            const o = outputsAsJson(local.outputs) as Record<string, string>;
            const sigv4 = [
                "--aws-sigv4",
                `aws:amz:${o.region}:execute-api`,
                "--user",
                `${o.firstAccessKeyId}:${o.firstSecretAccessKey}`,
            ];
            return {
                o,
                own: await curl([...sigv4, `${o.firstInvokeUrl}/pets`]),
                other: await curl([...sigv4, `${o.secondInvokeUrl}/pets/1`]),
            };
        } finally {
            await local.close();
        }
    }

    it("scoped (the default): the first API's keys are refused by the second with AccessDeniedException", async () => {
        const { o, own, other } = await callSecondWithFirstKeys("scoped");
        expect(own.status).to.equal(200);
        expect(new URL(o.firstInvokeUrl).port).not.to.equal(new URL(o.secondInvokeUrl).port);
        expect(other.status).to.equal(403);
        expect(JSON.parse(other.body)).to.deep.equal({
            Message: `User: ${o.firstUserArn} is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-west-2:********9012:${o.secondRestApiId}/test/GET/pets/1`,
        });
    });

    it("managed (AmazonAPIGatewayInvokeFullAccess): the same keys get into the second API too", async () => {
        const { own, other } = await callSecondWithFirstKeys("managed");
        expect(own.status).to.equal(200);
        expect(other.status).to.equal(200);
    });
});

describe("npm start", () => {
    it("names a resource type local mode does not emulate, and exits 1", async () => {
        const failed = await run(
            path.join(PROJECT_DIR, "node_modules/.bin/tsx"),
            ["local-aws/start.ts", "--port", "0", "--program", "tests/fixtures/programs/unemulated.ts"],
            { cwd: PROJECT_DIR },
        ).then(
            () => undefined,
            (e: { code: number; stderr: string }) => e,
        );
        expect(failed?.code).to.equal(1);
        expect(failed?.stderr).to.match(
            /^start: Local mode does not emulate resource type aws:s3\/bucket:Bucket \(resource "assets"\)/m,
        );
    });

    let child: ChildProcess | undefined;
    afterEach(() => child?.kill("SIGKILL"));

    it("prints masked outputs and a curl line that returns the pets, writes the outputs file, exits 0 on SIGTERM", async () => {
        const outputsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "start-")), "outputs.json");
        const tsx = path.join(PROJECT_DIR, "node_modules/.bin/tsx");
        const started = spawn(tsx, ["local-aws/start.ts", "--port", "0", "--outputs", outputsFile], {
            cwd: PROJECT_DIR,
        });
        child = started;
        let stdout = "";
        started.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        await new Promise<void>((resolve, reject) => {
            started.stdout.on("data", () => stdout.includes("Serving until") && resolve());
            started.on("exit", (code) => reject(new Error(`exited early (${code}): ${stdout}`)));
        });
        const written = JSON.parse(fs.readFileSync(outputsFile, "utf8")) as Record<string, string>;
        expect(stdout).not.to.include(written.secretAccessKey);
        expect(stdout).not.to.include(written.accessKeyId);
        expect(stdout).to.match(/accessKeyId\s+\[secret\]/);
        const curlLine = stdout.split("\n").find((l) => l.trim().startsWith("curl "))!;
        const { stdout: pets } = await run("bash", ["-c", curlLine], { encoding: "utf8" });
        expect(JSON.parse(pets)).to.deep.equal(PETS);
        const exitCode = new Promise<number | null>((resolve) => started.on("exit", resolve));
        started.kill("SIGTERM");
        expect(await exitCode).to.equal(0);
        child = undefined;
    });
});
