import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { ApiCredentials, createSignedFetch } from "../../clients";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import { runTool } from "../helpers/cli";
import { TRANSPILED } from "../helpers/localAws";
import { PROJECT_DIR } from "../helpers/specs";

const PETS = [
    { id: 1, type: "dog", price: 249.99 },
    { id: 2, type: "cat", price: 124.99 },
    { id: 3, type: "fish", price: 0.99 },
];

describe("clients of the stack outputs, against local mode", () => {
    let local: LocalMode;
    let outputs: ApiCredentials;
    let dir: string;
    let outputsFile: string;
    before(async () => {
        local = await startLocalMode({ projectDir: PROJECT_DIR, ...TRANSPILED });
        outputs = outputsAsJson(local.outputs) as unknown as ApiCredentials;
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "clients-"));
        outputsFile = path.join(dir, "outputs.json");
        fs.writeFileSync(outputsFile, JSON.stringify(outputs));
    });
    after(async () => {
        await local.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    describe("createSignedFetch (secured-rest-api/client)", () => {
        it("signs GET, POST with a body, and a query string", async () => {
            const api = createSignedFetch(outputs);
            expect(await (await api("/pets")).json()).to.deep.equal(PETS);
            const created = await api("/pets", {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ type: "cat", price: 9 }),
            });
            expect(created.status).to.equal(201);
            expect(await (await api("pets?type=dog")).json()).to.deep.equal([PETS[0]]);
        });

        it("is refused with someone else's secret, and needs every credential", async () => {
            const forged = createSignedFetch({ ...outputs, secretAccessKey: "x".repeat(40) });
            const answer = await forged("/pets");
            expect(answer.status).to.equal(403);
            expect(answer.headers.get("x-amzn-errortype")).to.equal("InvalidSignatureException");
            expect(() => createSignedFetch({ ...outputs, region: "" })).to.throw(
                /credentials lacks region; export them/,
            );
            expect(() => createSignedFetch({ ...outputs, region: "" })).not.to.throw(/credential-process/);
            // A stack without a user (createUser: false) has no keys: the tools sign with a role's instead.
            expect(() => createSignedFetch({ ...outputs, accessKeyId: "", secretAccessKey: "" })).to.throw(
                /lacks accessKeyId, secretAccessKey; .*createUser: false.*--credential-process "<command>"/,
            );
        });
    });

    describe("npm run call", () => {
        it("GET prints the body, status to stderr, exit 0", async () => {
            const result = await runTool("clients/cli/call.ts", ["GET", "/pets/1", "--outputs", outputsFile]);
            expect(result.code).to.equal(0);
            expect(JSON.parse(result.stdout)).to.deep.equal(PETS[0]);
            expect(result.stderr).to.equal(`call: using the outputs from ${outputsFile}\nHTTP 200 OK\n`);
        });

        it("POST with --data, and a refused call exits 1; no secret is printed", async () => {
            const posted = await runTool("clients/cli/call.ts", [
                "POST",
                "/pets",
                "--data",
                '{"type":"dog","price":1}',
                "--outputs",
                outputsFile,
            ]);
            expect(posted.code).to.equal(0);
            expect(JSON.parse(posted.stdout)).to.deep.equal({ id: 4, message: "Pet created" });
            const refused = await runTool("clients/cli/call.ts", ["DELETE", "/pets", "--outputs", outputsFile, "-i"]);
            expect(refused.code).to.equal(1);
            expect(refused.stderr).to.match(/^HTTP 403/m);
            expect(refused.stderr).to.include("x-amzn-errortype: MissingAuthenticationTokenException");
            for (const text of [posted.stdout, posted.stderr, refused.stdout, refused.stderr]) {
                expect(text).not.to.include(outputs.secretAccessKey);
                expect(text).not.to.include(outputs.accessKeyId);
            }
        });

        it("explains its usage", async () => {
            const result = await runTool("clients/cli/call.ts", ["GET"]);
            expect(result.code).to.equal(2);
            expect(result.stderr).to.match(/^call: missing arguments\n\nusage: npm run call -- <METHOD> <path>/);
        });

        it("takes a full URL under the invoke URL, and refuses one elsewhere before signing anything", async () => {
            const full = await runTool("clients/cli/call.ts", [
                "GET",
                `${outputs.invokeUrl}/pets/2`,
                "--outputs",
                outputsFile,
            ]);
            expect(full.code, full.stderr).to.equal(0);
            expect(JSON.parse(full.stdout)).to.deep.equal(PETS[1]);
            const origin = new URL(outputs.invokeUrl).origin;
            for (const elsewhere of [
                "https://example.com/test/pets",
                `${origin}/prod/pets`,
                `${origin}/testing/pets`,
            ]) {
                const refused = await runTool("clients/cli/call.ts", ["GET", elsewhere, "--outputs", outputsFile]);
                expect(refused.code, elsewhere).to.equal(2);
                expect(refused.stderr).to.include(
                    `call: ${elsewhere} is not under the invoke URL ${outputs.invokeUrl}`,
                );
            }
            await createSignedFetch(outputs)("//example.com/pets").then(
                (answer) => expect(answer.status).to.equal(403),
                (e: Error) => expect.fail(e.message),
            );
        });
    });

    describe("finding the outputs without --outputs (no Pulumi CLI or stack): the files npm start writes", () => {
        let stateDir: string;
        const env = () => ({ SECURED_REST_API_LOCAL_DIR: stateDir });
        beforeEach(() => {
            stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "local-state-"));
            fs.writeFileSync(path.join(stateDir, "outputs-test.json"), JSON.stringify(outputs));
        });
        afterEach(() => fs.rmSync(stateDir, { recursive: true, force: true }));

        it("call, postman and smoke use the one there is, and say which file on stderr", async () => {
            const used = `using the outputs from ${path.join(stateDir, "outputs-test.json")} (written by npm start;`;
            const [call, postman, smoke] = await Promise.all([
                runTool("clients/cli/call.ts", ["GET", "/pets"], env()),
                runTool("clients/cli/postman.ts", ["--out", path.join(stateDir, "env.json")], env()),
                runTool("smoke/cli.ts", [], env()),
            ]);
            expect(call.code, call.stderr).to.equal(0);
            expect(JSON.parse(call.stdout)).to.deep.equal(PETS);
            expect(postman.code, postman.stderr).to.equal(0);
            expect(smoke.code, smoke.stdout + smoke.stderr).to.equal(0);
            for (const [name, result] of [
                ["call", call],
                ["postman", postman],
                ["smoke", smoke],
            ] as const)
                expect(result.stderr).to.include(`${name}: ${used}`);
        });

        it("with several, says which exist and how to choose; --program and --stack choose", async () => {
            fs.writeFileSync(path.join(stateDir, "outputs-my-api-test.json"), JSON.stringify(outputs));
            const ambiguous = await runTool("clients/cli/call.ts", ["GET", "/pets"], env());
            expect(ambiguous.code).to.equal(2);
            expect(ambiguous.stderr).to.include(
                `Several local outputs files exist (${path.join(stateDir, "outputs-my-api-test.json")}, ${path.join(stateDir, "outputs-test.json")}); choose one with --outputs <file>, or with --program <file> [--stack <name>]`,
            );
            const chosen = await runTool("clients/cli/call.ts", ["GET", "/pets", "--program", "my-api.ts"], env());
            expect(chosen.code, chosen.stderr).to.equal(0);
            expect(chosen.stderr).to.include(
                `using the outputs from ${path.join(stateDir, "outputs-my-api-test.json")}`,
            );
            const none = await runTool("clients/cli/call.ts", ["GET", "/pets", "--stack", "prod"], env());
            expect(none.code).to.equal(2);
            expect(none.stderr).to.match(/the Pulumi CLI is not installed|pulumi stack output --stack prod failed/);
            expect(none.stderr).to.include("holds no outputs file of stack prod");
            expect(none.stderr).to.include('Run "npm start -- --stack prod" in another terminal');
        });
    });

    describe("npm run postman", () => {
        it("writes an environment for Postman's AWS Signature authorization, keys marked secret, file private", async () => {
            const out = path.join(dir, "env.json");
            const result = await runTool("clients/cli/postman.ts", [
                "--outputs",
                outputsFile,
                "--out",
                out,
                "--name",
                "local",
            ]);
            expect(result.code).to.equal(0);
            expect(result.stdout).not.to.include(outputs.secretAccessKey);
            const environment = JSON.parse(fs.readFileSync(out, "utf8")) as {
                name: string;
                values: { key: string; value: string; type: string }[];
            };
            expect(environment.name).to.equal("local");
            expect(environment.values.map((v) => [v.key, v.value, v.type])).to.deep.equal([
                ["baseUrl", outputs.invokeUrl, "default"],
                ["AccessKey", outputs.accessKeyId, "secret"],
                ["SecretKey", outputs.secretAccessKey, "secret"],
                ["AWS Region", outputs.region, "default"],
                ["Service Name", "execute-api", "default"],
            ]);
            expect(fs.statSync(out).mode & 0o777).to.equal(0o600);
        });
    });
});
