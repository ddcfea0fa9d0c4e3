import { ChildProcessWithoutNullStreams, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { expect } from "chai";
import { TRANSPILED_ENV } from "../helpers/localAws";
import { PROJECT_DIR } from "../helpers/specs";

const run = promisify(execFile);
const DOC = fs.readFileSync(path.join(PROJECT_DIR, "docs/domain.md"), "utf8");
const PETS = [
    { id: 1, type: "dog", price: 249.99 },
    { id: 2, type: "cat", price: 124.99 },
    { id: 3, type: "fish", price: 0.99 },
];

/** The command lines of the `sh` block after `<!-- domain-docs: <name> -->`, their trailing comments dropped. */
function block(name: string): string[] {
    const match = new RegExp(`<!-- domain-docs: ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(DOC);
    if (!match) throw new Error(`docs/domain.md has no block "${name}"`);
    return match[1]
        .trim()
        .split("\n")
        .map((line) => line.replace(/\s+#[^']*$/, ""));
}

describe("docs/domain.md's local run, its commands as written", function () {
    this.timeout(120_000);
    // The state folder is a temporary one (SECURED_REST_API_LOCAL_DIR), so `.local/` in the commands is read as it.
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "domain-docs-"));
    const env = { ...process.env, ...TRANSPILED_ENV, SECURED_REST_API_LOCAL_DIR: stateDir };
    const here = (line: string) => line.replace(/(\.\/)?\.local\//g, `${stateDir}/`);
    const bash = (line: string) =>
        run("bash", ["-c", here(line)], { cwd: PROJECT_DIR, env, encoding: "utf8" }).then(
            ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
            (e: { code: number; stdout: string; stderr: string }) => ({
                code: e.code,
                stdout: e.stdout,
                stderr: e.stderr,
            }),
        );
    let server: ChildProcessWithoutNullStreams;
    let printed = "";

    before(async () => {
        for (const line of block("setup")) {
            const { code, stderr } = await bash(line);
            expect(code, `${line}: ${stderr}`).to.equal(0);
        }
        const [serve] = block("serve");
        server = spawn("bash", ["-c", here(serve)], { cwd: PROJECT_DIR, env });
        await new Promise<void>((resolve, reject) => {
            server.stdout.on(
                "data",
                (c: Buffer) => (printed += c.toString()) && printed.includes("Serving until") && resolve(),
            );
            server.stderr.on("data", (c: Buffer) => (printed += c.toString()));
            server.on("exit", (code) => reject(new Error(`npm start exited (${code}): ${printed}`)));
        });
    });
    after(async () => {
        if (server && server.exitCode === null && server.signalCode === null) {
            const exited = new Promise((resolve) => server.once("exit", resolve));
            server.kill("SIGTERM");
            await exited;
        }
        fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it("npm start names the domain's listener, its CA's file, and a curl line through the domain", () => {
        expect(printed).to.include(
            "https://api.example.com on 127.0.0.1:8443 (TLS_1_2, mutual TLS with truststore s3://my-truststore-bucket/truststore.pem",
        );
        expect(printed).to.include("--connect-to api.example.com:443:127.0.0.1:8443");
        expect(fs.existsSync(path.join(stateDir, "ca-examples-domain-index-test.pem"))).to.equal(true);
        expect(printed).to.include(
            "was not made by the program: local mode serves api.example.com with a certificate of its own CA",
        );
    });

    it("curl with the client certificate gets the pets; without it, and on the default endpoint, 403 Forbidden", async () => {
        const [withCertificate, without, defaultEndpoint] = block("calls");
        expect(JSON.parse((await bash(withCertificate)).stdout)).to.deep.equal(PETS);
        expect((await bash(without)).stdout).to.equal('{"message":"Forbidden"}');
        expect((await bash(defaultEndpoint)).stdout).to.equal('{"message":"Forbidden"}');
    });

    it("npm run call gets the pets through the domain, and npm run smoke passes through it", async () => {
        const [, , , call, smoke] = block("calls");
        const called = await bash(call);
        expect(called.code, called.stderr).to.equal(0);
        expect(JSON.parse(called.stdout.slice(called.stdout.indexOf("[")))).to.deep.equal(PETS);
        const smoked = await bash(smoke);
        expect(smoked.code, smoked.stdout).to.equal(0);
        expect(smoked.stdout).to.match(/\n\d+ passed, 0 failed\n/);
        expect(smoked.stdout).to.include("default endpoint (disabled), signed");
        expect(smoked.stdout).to.include("no client certificate, signed");
    });

    it("npm run call --endpoint default is refused before anything is sent, as the page says", async () => {
        const line = /`(npm run call -- GET \/pets --program examples\/domain\/index\.ts --endpoint default)`/.exec(
            DOC,
        )![1];
        const refused = await bash(line);
        expect(refused.code).to.not.equal(0);
        expect(refused.stderr).to.include(
            "is disabled (disableExecuteApiEndpoint): call the custom domain https://api.example.com/v1 instead.",
        );
    });
});
