import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import { runTool, ToolResult } from "../helpers/cli";
import { TRANSPILED } from "../helpers/localAws";
import { PROJECT_DIR } from "../helpers/specs";

/** Every command the README shows, by its npm script, and the script file it runs. */
const COMMANDS = ["start", "smoke", "call", "postman", "bench"].map((name) => {
    const scripts = (
        JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as {
            scripts: Record<string, string>;
        }
    ).scripts;
    const script = /(\S+\.ts)$/.exec(scripts[name])?.[1];
    if (!script) throw new Error(`package.json script ${name} runs no .ts file: ${scripts[name]}`);
    return { name, script, usage: name === "start" ? "npm start --" : `npm run ${name} --` };
});

/** A misspelling of one of each command's flags, and the flag it meant. */
const TYPOS: Record<string, [string, string]> = {
    start: ["--prot", "--port"],
    smoke: ["--spek", "--spec"],
    call: ["--heder", "--header"],
    postman: ["--otu", "--out"],
    bench: ["--quik", "--quick"],
};

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    return port;
}

describe("the command line tools: --help, usage errors, clear errors", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    // Every tool started at once (they are independent processes), each then judged by its own test.
    let answers: Map<string, Promise<[ToolResult, ToolResult, ToolResult]>>;
    before(() => {
        answers = new Map(
            COMMANDS.map(({ name, script }) => [
                script,
                Promise.all([
                    runTool(script, ["--help"]),
                    runTool(script, ["--bogus"]),
                    runTool(script, [TYPOS[name][0]]),
                ]),
            ]),
        );
    });

    for (const { name, script, usage } of COMMANDS) {
        it(`${name}: --help prints its usage, options and examples, exit 0; an unknown flag prints that usage (a misspelt one the flag it meant), exit 2`, async () => {
            const [help, unknown, typo] = await answers.get(script)!;
            expect(help.code, help.stderr).to.equal(0);
            expect(help.stdout).to.match(new RegExp(`^usage: ${usage.replace(/[-]/g, "\\-")}`));
            expect(help.stdout).to.match(/\nOptions:\n[\s\S]*--help[\s\S]*\nExamples:\n {2}npm /);
            expect(unknown.code).to.equal(2);
            expect(unknown.stderr).to.match(new RegExp(`^${name}: unknown option --bogus\n\nusage: `));
            expect(unknown.stderr).not.to.include("To specify a positional argument");
            expect(unknown.stderr).to.include(help.stdout);
            const [misspelt, meant] = TYPOS[name];
            expect(typo.code).to.equal(2);
            expect(typo.stderr).to.match(
                new RegExp(`^${name}: unknown option ${misspelt}; did you mean ${meant}\\?\n`),
            );
            expect(help.stdout, "the flag it names is one the command has").to.match(new RegExp(`\\s${meant}[ ,]`));
        });
    }

    it("refuses a number option that is not a number", async () => {
        const [smoke, start] = await Promise.all([
            runTool("smoke/cli.ts", ["--retry-seconds", "abc", "--outputs", "package.json"]),
            runTool("local-aws/start.ts", ["--port", "80a"]),
        ]);
        expect(smoke.code).to.equal(2);
        expect(smoke.stderr).to.match(/^smoke: --retry-seconds "abc" is not a number of seconds/);
        expect(start.code).to.equal(2);
        expect(start.stderr).to.match(/^start: --port "80a" is not a port number/);
    });

    it("names a missing --program file, without a require stack", async () => {
        const result = await runTool("local-aws/start.ts", ["--port", "0", "--program", "no-such-api.ts"]);
        expect(result.code).to.equal(1);
        expect(result.stderr).to.match(
            /^start: The program no-such-api\.ts does not exist \(looked for .*no-such-api\.ts\)/,
        );
        expect(result.stderr).not.to.match(/Require stack|at Module\./);
    });

    it("says a file holds no stack outputs (smoke, call, postman), instead of Invalid URL", async () => {
        const results = await Promise.all([
            runTool("smoke/cli.ts", ["--outputs", "package.json"]),
            runTool("clients/cli/call.ts", ["GET", "/pets", "--outputs", "package.json"]),
            runTool("clients/cli/postman.ts", ["--outputs", "package.json", "--out", path.join(dir, "env.json")]),
        ]);
        for (const result of results) {
            expect(result.code).to.equal(2);
            expect(result.stderr).to.match(
                /: package\.json holds no stack outputs of a SecuredRestApi \(no invokeUrl, region, accessKeyId, secretAccessKey\)/,
            );
            expect(result.stderr).not.to.include("Invalid URL");
        }
        const badUrl = path.join(dir, "bad-url.json");
        fs.writeFileSync(
            badUrl,
            JSON.stringify({ invokeUrl: "not a url", region: "r", accessKeyId: "a", secretAccessKey: "s" }),
        );
        const smoke = await runTool("smoke/cli.ts", ["--outputs", badUrl]);
        expect(smoke.stderr).to.match(/invokeUrl "not a url" is not an http\(s\) URL/);
    });

    it("explains a refused connection: ECONNREFUSED, and whether npm start runs on that port (call, smoke)", async () => {
        const outputs = path.join(dir, "stopped.json");
        const port = await closedPort();
        fs.writeFileSync(
            outputs,
            JSON.stringify({
                invokeUrl: `http://127.0.0.1:${port}/test`,
                region: "us-west-2",
                accessKeyId: "AKIDEXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                operations: [{ verb: "GET", path: "/pets", authorization: "AWS_IAM" }],
            }),
        );
        const results = await Promise.all([
            runTool("clients/cli/call.ts", ["GET", "/pets", "--outputs", outputs]),
            runTool("smoke/cli.ts", ["--outputs", outputs]),
        ]);
        for (const result of results) {
            expect(result.code).to.equal(2);
            expect(result.stderr).to.include(`The connection to 127.0.0.1:${port} was refused (ECONNREFUSED).`);
            expect(result.stderr).to.include("Is `npm start` running on that port?");
        }
    });
});

describe("npm run call to a path or verb that is no operation names the closest operations", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "call-"));
    let local: LocalMode;
    let outputs: string;
    before(async () => {
        local = await startLocalMode({ projectDir: PROJECT_DIR, ...TRANSPILED });
        outputs = path.join(dir, "outputs.json");
        fs.writeFileSync(outputs, JSON.stringify(outputsAsJson(local.outputs)));
    });
    after(async () => {
        await local.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("GET /pet: 403 as if unsigned, the closest operations named; the first of them answers", async () => {
        const [wrong, verb] = await Promise.all([
            runTool("clients/cli/call.ts", ["GET", "/pet", "--outputs", outputs]),
            runTool("clients/cli/call.ts", ["DELETE", "/pets", "--outputs", outputs]),
        ]);
        expect(wrong.code, wrong.stderr).to.equal(1);
        expect(wrong.stderr).to.include(
            "call: GET /pet is no operation of this API (API Gateway answers it as if unsigned); the closest: GET /pets, GET /, POST /pets.",
        );
        expect(verb.stderr).to.match(/call: DELETE \/pets is no operation of this API .*; the closest: GET \/pets, /);
        const meant = /the closest: (\S+) (\S+),/.exec(wrong.stderr)!;
        const right = await runTool("clients/cli/call.ts", [meant[1], meant[2], "--outputs", outputs]);
        expect(right.code, right.stderr).to.equal(0);
        expect(right.stderr).not.to.include("is no operation");
    });

    it("says nothing more when the operation exists and only the caller is refused", async () => {
        const forged = path.join(dir, "forged.json");
        fs.writeFileSync(forged, JSON.stringify({ ...outputsAsJson(local.outputs), secretAccessKey: "x".repeat(40) }));
        const refused = await runTool("clients/cli/call.ts", ["GET", "/pets/1", "--outputs", forged]);
        expect(refused.code).to.equal(1);
        expect(refused.stderr).not.to.include("is no operation");
    });
});
