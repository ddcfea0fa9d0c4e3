import { ChildProcessWithoutNullStreams, execFile, spawn } from "child_process";
import { promisify } from "util";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { createSignedFetch } from "../../clients";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import { defaultIdentityPort, LocalMode, startLocalMode } from "../../local-aws/localMode";
import { operationsFromOutputs } from "../../smoke/operations";
import { runSmokeTest, SmokeOutputs } from "../../smoke/smokeTest";
import { NODE_WITH_TSX, runTool, serving, stop } from "../helpers/cli";
import { TRANSPILED, TRANSPILED_ENV } from "../helpers/localAws";
import { PROJECT_DIR } from "../helpers/specs";

const PETS = [
    { id: 1, type: "dog", price: 249.99 },
    { id: 2, type: "cat", price: 124.99 },
    { id: 3, type: "fish", price: 0.99 },
];

const run = promisify(execFile);
/** The README's Lambda program. */
const LAMBDA_PROGRAM = "examples/lambda/index.ts";

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
        local = await startLocalMode({ projectDir: PROJECT_DIR, ...TRANSPILED });
        outputs = outputsAsJson(local.outputs) as unknown as SmokeOutputs;
    });
    after(() => local.close());

    it("serves the stage at its invokeUrl on loopback", () => {
        expect(outputs.invokeUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/test$/);
        expect(outputs.accessKeyId).to.match(/^AKIA[A-Z2-7]{16}$/);
        expect(outputs.secretAccessKey).to.have.length(40);
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
        const local = await startLocalMode({
            projectDir: path.join(PROJECT_DIR, "tests/fixtures/twoApis"),
            stack,
            ...TRANSPILED,
        });
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

describe("programs side by side (npm start on the next port)", () => {
    it("each STS endpoint has a port of its own, never one of either program's APIs", () => {
        for (const first of [8787, 20000, 64000]) {
            for (let apis = 1; apis <= 50; apis++) {
                const second = first + apis;
                const taken = new Set(Array.from({ length: apis * 2 }, (_, i) => first + i));
                const [a, b] = [defaultIdentityPort(first), defaultIdentityPort(second)];
                expect(a === 0 || !taken.has(a), `${first}+${apis}`).to.equal(true);
                expect(b === 0 || (!taken.has(b) && b !== a), `${first}+${apis}`).to.equal(true);
            }
        }
        expect(defaultIdentityPort(0)).to.equal(0);
    });

    it("a taken API port is named, with the flag that moves it, before the program runs", async () => {
        const blocker = net.createServer();
        await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
        const taken = (blocker.address() as net.AddressInfo).port;
        try {
            let ran = false;
            const failure = await startLocalMode({
                projectDir: PROJECT_DIR,
                port: taken,
                program: () => ((ran = true), {}),
                ...TRANSPILED,
            }).then(
                async (local) => (await local.close(), undefined),
                (e: Error) => e.message,
            );
            expect(failure).to.equal(`Port ${taken} is in use; choose another with --port.`);
            expect(ran).to.equal(false);
        } finally {
            await new Promise((resolve) => blocker.close(resolve));
        }
    });

    it("a taken STS port is named, with the flag that moves it", async () => {
        const blocker = net.createServer();
        await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
        const taken = (blocker.address() as net.AddressInfo).port;
        try {
            const failure = await startLocalMode({
                projectDir: path.join(PROJECT_DIR, "tests/fixtures/twoApis"),
                stack: "scoped",
                port: 0,
                identityPort: taken,
                ...TRANSPILED,
            }).then(
                async (local) => (await local.close(), undefined),
                (e: Error) => e.message,
            );
            expect(failure).to.equal(
                `Port ${taken} for the local STS and Cognito Identity endpoint is in use; choose another with --sts-port.`,
            );
        } finally {
            blocker.close();
        }
    });
});

describe("npm start", () => {
    it("names a resource type local mode does not emulate, and exits 1", async () => {
        const program = ["--program", "tests/fixtures/programs/unemulated.ts"];
        const failed = await runTool("local-aws/start.ts", ["--port", "0", ...program], TRANSPILED_ENV);
        expect(failed.code).to.equal(1);
        expect(failed.stderr).to.match(
            /^start: Local mode does not emulate resource type aws:s3\/bucket:Bucket \(resource "assets"\)/m,
        );
    });

    /** Whether something accepts connections on a loopback port. */
    function listening(port: number): Promise<boolean> {
        return new Promise((resolve) => {
            const socket = net.connect(port, "127.0.0.1");
            socket.once("connect", () => socket.destroy() && resolve(true));
            socket.once("error", () => resolve(false));
        });
    }

    // Two programs side by side, as a user with two terminals (or a process manager) runs them.
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "local-state-"));
    const env = { ...process.env, ...TRANSPILED_ENV, SECURED_REST_API_LOCAL_DIR: stateDir };
    let npm: ChildProcessWithoutNullStreams;
    let other: ChildProcessWithoutNullStreams;
    let lambda: ChildProcessWithoutNullStreams;
    let printed: string;
    let lambdaPrinted: () => string;
    const startTool = (program: string, ...options: string[]) =>
        spawn(
            NODE_WITH_TSX[0],
            [...NODE_WITH_TSX.slice(1), "local-aws/start.ts", "--port", "0", "--program", program, ...options],
            {
                cwd: PROJECT_DIR,
                env,
            },
        );
    before(async () => {
        npm = spawn("npm", ["start", "--", "--port", "0"], { cwd: PROJECT_DIR, env });
        // Its public preflight is listed for the policy pack, as an organisation's configuration would.
        other = startTool(
            "tests/fixtures/programs/anyApi.ts",
            "--policy-pack-config",
            "tests/fixtures/programs/anyApi.policy-pack-config.json",
        );
        // The README's Lambda program, as a user runs it.
        lambda = startTool(LAMBDA_PROGRAM);
        let lambdaOutput = "";
        lambda.stdout.on("data", (chunk: Buffer) => (lambdaOutput += chunk.toString()));
        lambdaPrinted = () => lambdaOutput;
        [printed] = await Promise.all([serving(npm), serving(other), serving(lambda)]);
    });
    after(async () => {
        for (const child of [npm, other, lambda]) await stop(child);
        fs.rmSync(stateDir, { recursive: true, force: true });
    });
    const outputsOf = (file: string) =>
        JSON.parse(fs.readFileSync(path.join(stateDir, file), "utf8")) as Record<string, string>;

    it("prints masked outputs and a curl line that returns the pets", async () => {
        const written = outputsOf("outputs-test.json");
        expect(printed).not.to.include(written.secretAccessKey);
        expect(printed).not.to.include(written.accessKeyId);
        expect(printed).to.match(/accessKeyId\s+\[secret\]/);
        const curlLine = printed.split("\n").find((l) => l.trim().startsWith("curl "))!;
        const { stdout: pets } = await run("bash", ["-c", curlLine], { encoding: "utf8" });
        expect(JSON.parse(pets)).to.deep.equal(PETS);
    });

    it("names each outputs file after program and stack, so a second program never overwrites the first's", () => {
        const files = fs.readdirSync(stateDir).sort();
        expect(files).to.deep.equal([
            "outputs-examples-lambda-index-test.json",
            "outputs-test.json",
            "outputs-tests-fixtures-programs-anyApi-test.json",
        ]);
        expect(outputsOf(files[1]).invokeUrl).to.match(/\/test$/);
        expect(outputsOf(files[2]).invokeUrl).to.match(/\/v1$/);
    });

    it("runs the README's Lambda program: npm run call reaches its handler, which names the caller; the smoke test passes", async () => {
        const toolEnv = { ...TRANSPILED_ENV, SECURED_REST_API_LOCAL_DIR: stateDir };
        const listed = await runTool("clients/cli/call.ts", ["GET", "/items", "--program", LAMBDA_PROGRAM], toolEnv);
        expect(listed.code).to.equal(0);
        const items = JSON.parse(listed.stdout) as { items: unknown[]; caller: string; key: string };
        expect(items.items).to.have.length(2);
        expect(items.caller).to.match(/^arn:aws:iam::123456789012:user\/items-\w+$/);
        const outputs = outputsOf("outputs-examples-lambda-index-test.json");
        expect(items.key).to.equal(`…${outputs.accessKeyId.slice(-4)}`);
        const added = await createSignedFetch(outputs as unknown as SmokeOutputs)("/items", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: '{"name":"chair"}',
        });
        expect(added.status).to.equal(201);
        expect(await added.json()).to.deep.include({ added: { name: "chair" }, caller: items.caller });
        const rows = await runSmokeTest(outputs as unknown as SmokeOutputs, {
            operations: operationsFromOutputs(outputs)!,
        });
        for (const row of rows) expect(row.pass, `${row.operation} ${row.check}: ${row.seen}`).to.equal(true);
        expect(lambdaPrinted()).to.match(/POST \/test\/items 201 - arn:aws:iam::123456789012:user\/items-/);
    });

    it("SIGTERM to the npm start process (not its children) stops the gateway and removes its outputs file", async () => {
        const port = Number(new URL(outputsOf("outputs-test.json").invokeUrl).port);
        expect(await listening(port)).to.equal(true);
        npm.kill("SIGTERM");
        let open = true;
        for (const deadline = Date.now() + 5000; open && Date.now() < deadline;) {
            await new Promise((r) => setTimeout(r, 100));
            open = await listening(port);
        }
        expect(open, "the gateway still serves after SIGTERM to npm start").to.equal(false);
        expect(fs.existsSync(path.join(stateDir, "outputs-test.json")), "outputs file left behind").to.equal(false);
    });

    it("exits 0 on SIGTERM to the process itself, its functions' environments included", async () => {
        const exitCodes = [other, lambda].map(
            (child) => new Promise<number | null>((resolve) => child.once("exit", resolve)),
        );
        other.kill("SIGTERM");
        lambda.kill("SIGTERM");
        expect(await Promise.all(exitCodes)).to.deep.equal([0, 0]);
        expect(fs.readdirSync(stateDir)).to.deep.equal([]);
    });
});
