import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { expect } from "chai";
import { ApiCredentials, createSignedFetch } from "../clients";
import { outputsAsJson } from "../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../local-aws/localMode";
import { PROJECT_DIR } from "./helpers/specs";

const run = promisify(execFile);
const TSX = path.join(PROJECT_DIR, "node_modules/.bin/tsx");
const PETS = [
    { id: 1, type: "dog", price: 249.99 },
    { id: 2, type: "cat", price: 124.99 },
    { id: 3, type: "fish", price: 0.99 },
];

async function cli(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
        const { stdout, stderr } = await run(TSX, [script, ...args], { cwd: PROJECT_DIR, encoding: "utf8" });
        return { code: 0, stdout, stderr };
    } catch (e) {
        const failed = e as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
}

describe("clients of the stack outputs, against local mode", () => {
    let local: LocalMode;
    let outputs: ApiCredentials;
    let dir: string;
    let outputsFile: string;
    before(async () => {
        local = await startLocalMode({ projectDir: PROJECT_DIR });
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
            expect(() => createSignedFetch({ ...outputs, region: "" })).to.throw(/needs region/);
        });
    });

    describe("npm run call", () => {
        it("GET prints the body, status to stderr, exit 0", async () => {
            const result = await cli("clients/cli/call.ts", ["GET", "/pets/1", "--outputs", outputsFile]);
            expect(result.code).to.equal(0);
            expect(JSON.parse(result.stdout)).to.deep.equal(PETS[0]);
            expect(result.stderr).to.match(/^HTTP 200/);
        });

        it("POST with --data, and a refused call exits 1; no secret is printed", async () => {
            const posted = await cli("clients/cli/call.ts", [
                "POST",
                "/pets",
                "--data",
                '{"type":"dog","price":1}',
                "--outputs",
                outputsFile,
            ]);
            expect(posted.code).to.equal(0);
            expect(JSON.parse(posted.stdout)).to.deep.equal({ id: 4, message: "Pet created" });
            const refused = await cli("clients/cli/call.ts", ["DELETE", "/pets", "--outputs", outputsFile, "-i"]);
            expect(refused.code).to.equal(1);
            expect(refused.stderr).to.match(/^HTTP 403/);
            expect(refused.stderr).to.include("x-amzn-errortype: MissingAuthenticationTokenException");
            for (const text of [posted.stdout, posted.stderr, refused.stdout, refused.stderr]) {
                expect(text).not.to.include(outputs.secretAccessKey);
                expect(text).not.to.include(outputs.accessKeyId);
            }
        });

        it("explains its usage", async () => {
            const result = await cli("clients/cli/call.ts", ["GET"]);
            expect(result.code).to.equal(2);
            expect(result.stderr).to.include("usage: npm run call -- <METHOD> <path>");
        });
    });

    describe("npm run postman", () => {
        it("writes an environment for Postman's AWS Signature authorization, keys marked secret, file private", async () => {
            const out = path.join(dir, "env.json");
            const result = await cli("clients/cli/postman.ts", [
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
