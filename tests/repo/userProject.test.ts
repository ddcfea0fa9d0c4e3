import { ChildProcessWithoutNullStreams, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { expect } from "chai";
import { ApiCredentials, createSignedFetch } from "../../clients";
import { serving, stop } from "../helpers/cli";
import { TRANSPILED_ENV } from "../helpers/localAws";
import { PROJECT_DIR } from "../helpers/specs";
import { makeUserProject } from "../helpers/userProject";

const run = promisify(execFile);

describe("a user's own project, in a folder of its own", () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "user-state-"));
    const project = makeUserProject();
    let npm: ChildProcessWithoutNullStreams;
    after(async () => {
        await stop(npm);
        for (const dir of [stateDir, project]) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("npm start -- --program <its index.ts> serves it, and a signed call gets its integration's answer (not a 500)", async () => {
        const program = path.join(project, "index.ts");
        npm = spawn("npm", ["start", "--", "--port", "0", "--stack", "dev", "--program", program], {
            cwd: PROJECT_DIR,
            env: { ...process.env, ...TRANSPILED_ENV, SECURED_REST_API_LOCAL_DIR: stateDir },
        });
        await serving(npm);
        const [file] = fs.readdirSync(stateDir);
        const outputs = JSON.parse(fs.readFileSync(path.join(stateDir, file), "utf8")) as ApiCredentials;
        const answer = await createSignedFetch(outputs)("/things");
        expect(answer.status, await answer.clone().text()).to.equal(200);
        expect(await answer.json()).to.deep.equal(["a"]);
    });
});

/** Runs a command in a folder to its end, keeping what it printed whatever its exit code. */
async function runIn(dir: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    try {
        const { stdout, stderr } = await run(command, [...args], {
            cwd: dir,
            encoding: "utf8",
            env: { ...process.env, ...env },
            maxBuffer: 16 * 1024 * 1024,
        });
        return { code: 0, stdout, stderr };
    } catch (e) {
        const failed = e as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
}

/** Whether a source the package compiles (tsconfig.build.json) is newer than bin/'s last build. */
function buildIsStale(): boolean {
    const record = path.join(PROJECT_DIR, "bin/.tsbuildinfo");
    if (!fs.existsSync(record)) return true;
    const built = fs.statSync(record).mtimeMs;
    const newer = (dir: string): boolean =>
        fs.readdirSync(dir, { withFileTypes: true }).some((entry) => {
            const file = path.join(dir, entry.name);
            return entry.isDirectory() ? newer(file) : file.endsWith(".ts") && fs.statSync(file).mtimeMs > built;
        });
    return ["components", "clients", "local-aws", "smoke"].some((dir) => newer(path.join(PROJECT_DIR, dir)));
}

/** npm as a test installs with it: from the cache where it can, quietly. */
const NPM_ENV = { npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" };

// Checks, in the project, that the simulator it installed is the one local mode loads, with both fixes.
const SIMULATOR_CHECK = `
const path = require("path");
const installed = path.join(__dirname, "node_modules/secured-rest-api/bin/local-aws/gateway");
const { evaluateInvoke } = require(path.join(installed, "iamEvaluation.js"));
const build = path.dirname(require.resolve("@cloud-copilot/iam-simulate"));
const { isIpInCidrV4 } = require(path.join(build, "condition/ipaddress/ipv4.js"));
const account = "123456789012";
const resource = "arn:aws:execute-api:us-east-1:" + account + ":abcdefghij/test/GET/things";
const invoke = { Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" };
const decision = evaluateInvoke({
    principal: { arn: "arn:aws:iam::" + account + ":user/bob", policies: [{ name: "invoke", document: JSON.stringify({ Version: "2012-10-17", Statement: [invoke] }) }] },
    resourceAccountId: account,
    resourceArns: [resource],
    resourcePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", NotPrincipal: { AWS: ["arn:aws:iam::" + account + ":user/alice", "arn:aws:iam::" + account + ":root"] }, Action: "execute-api:Invoke", Resource: resource }] }),
    context: [],
}).decision;
console.log(JSON.stringify({ build, everyAddress: isIpInCidrV4("203.0.113.9", "0.0.0.0/0"), bob: decision }));
`;

/** Opt-in: packing and installing take a minute, past npm test's budget; .ci/run sets it. */
const INSTALLING = process.env.SECURED_REST_API_INSTALL_WAYS === "1";

describe("the package as a project installs it: npm pack, then npm install of the tarball, then npx secured-rest-api (SECURED_REST_API_INSTALL_WAYS=1, in .ci/run)", function () {
    this.timeout(240_000);
    let packed = "";
    let project = "";
    let start: ChildProcessWithoutNullStreams | undefined;
    before(async function () {
        if (!INSTALLING) return this.skip();
        packed = fs.mkdtempSync(path.join(os.tmpdir(), "packed-"));
        project = makeUserProject();
        // What npm pack's prepare script would do, only when a source is newer than the last build.
        if (buildIsStale()) {
            expect((await runIn(PROJECT_DIR, "npm", ["run", "build"])).code).to.equal(0);
            // tsc leaves its record alone when nothing it emits changed (a source touched, not edited).
            fs.utimesSync(path.join(PROJECT_DIR, "bin/.tsbuildinfo"), new Date(), new Date());
        }
        const pack = await runIn(
            PROJECT_DIR,
            "npm",
            ["pack", "--ignore-scripts", "--pack-destination", packed],
            NPM_ENV,
        );
        expect(pack.code, pack.stderr).to.equal(0);
        const tarball = path.join(packed, pack.stdout.trim().split("\n").at(-1)!);
        const install = await runIn(project, "npm", ["install", tarball], NPM_ENV);
        expect(install.code, install.stderr).to.equal(0);
    });
    after(async () => {
        if (start) await stop(start);
        for (const dir of [packed, project]) if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
    });

    it("its imports, secured-rest-api and secured-rest-api/client, load the installed copy", async () => {
        const script =
            'console.log(JSON.stringify([require.resolve("secured-rest-api"), typeof require("secured-rest-api").SecuredRestApi, typeof require("secured-rest-api/client").createSignedFetch]))';
        const loaded = await runIn(project, process.execPath, ["-e", script]);
        const [resolved, component, client] = JSON.parse(loaded.stdout) as string[];
        expect(resolved).to.equal(
            path.join(fs.realpathSync(project), "node_modules/secured-rest-api/bin/components/index.js"),
        );
        expect([component, client]).to.deep.equal(["function", "function"]);
    });

    it("npx secured-rest-api lists its commands; a misspelt one gets the closest; each command's help shows npx", async () => {
        const [help, typo, callHelp] = await Promise.all([
            runIn(project, "npx", ["secured-rest-api", "--help"]),
            runIn(project, "npx", ["secured-rest-api", "strat"]),
            runIn(project, "npx", ["secured-rest-api", "call", "--help"]),
        ]);
        expect(help.code).to.equal(0);
        for (const command of ["start", "call", "smoke", "postman"])
            expect(help.stdout).to.match(new RegExp(`^  ${command} `, "m"));
        expect(typo.code).to.equal(2);
        expect(typo.stderr).to.match(/^secured-rest-api: unknown command "strat"; did you mean start\?/);
        expect(callHelp.stdout).to.match(/^usage: npx secured-rest-api call <METHOD> <path> \[options\]/);
        expect(callHelp.stdout).to.include("\n  npx secured-rest-api call GET /pets\n");
    });

    it("start without local mode's packages refuses before serving, naming the npm install -D that installs them", async () => {
        const refused = await runIn(project, "npx", ["secured-rest-api", "start", "--stack", "dev", "--port", "0"]);
        expect(refused.code).to.equal(1);
        expect(refused.stdout).not.to.include("Serving");
        expect(refused.stderr).to.include("@cloud-copilot/iam-simulate");
        const fix = /^ {2}(npm install -D .+)$/m.exec(refused.stderr)?.[1];
        expect(fix, refused.stderr).to.match(
            /^npm install -D @cloud-copilot\/iam-policy@\S+ @cloud-copilot\/iam-simulate@/,
        );
        // The fix, as printed: installed, local mode serves the project's program.
        const installed = await runIn(project, "bash", ["-c", fix!], NPM_ENV);
        expect(installed.code, installed.stderr).to.equal(0);
        start = spawn("npx", ["secured-rest-api", "start", "--stack", "dev", "--port", "0"], { cwd: project });
        const printed = await serving(start);
        expect(printed).to.include("npx secured-rest-api smoke --outputs .local/outputs-dev.json");
    });

    it("npx secured-rest-api call, smoke and postman find its outputs in the project's .local/ and pass", async () => {
        const [call, smoke, postman] = await Promise.all([
            runIn(project, "npx", ["secured-rest-api", "call", "GET", "/things"]),
            runIn(project, "npx", ["secured-rest-api", "smoke"]),
            runIn(project, "npx", ["secured-rest-api", "postman"]),
        ]);
        expect(call.code, call.stderr).to.equal(0);
        expect(JSON.parse(call.stdout)).to.deep.equal(["a"]);
        expect(call.stderr).to.include("using the outputs from .local/outputs-dev.json");
        expect(smoke.code, smoke.stdout + smoke.stderr).to.equal(0);
        expect(smoke.stdout).to.match(/^\d+ passed, 0 failed$/m);
        expect(postman.code, postman.stderr).to.equal(0);
        expect(fs.existsSync(path.join(project, "postman-environment.json"))).to.equal(true);
    });

    it("the IAM simulator the project installed, unpatched, answers with both of local mode's fixes", async () => {
        fs.writeFileSync(path.join(project, "simulator-check.js"), SIMULATOR_CHECK);
        const checked = await runIn(project, process.execPath, ["simulator-check.js"]);
        expect(checked.code, checked.stderr).to.equal(0);
        const answer = JSON.parse(checked.stdout) as { build: string; everyAddress: boolean; bob: string };
        expect(answer.build.startsWith(fs.realpathSync(project))).to.equal(true);
        expect(answer.everyAddress, "0.0.0.0/0 holds every address").to.equal(true);
        expect(answer.bob, "NotPrincipal listing alice and the account denies bob").to.equal("ExplicitlyDenied");
    });
});
