import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { expect } from "chai";
import { PROJECT_DIR } from "../helpers/specs";
import { INSTALL_WAYS, makeUserProject } from "../helpers/userProject";

const run = promisify(execFile);
/** Opt-in: each way installs a fresh clone's build tools or its dependencies (a minute or so each); .ci/run sets it. */
const ENABLED = process.env.SECURED_REST_API_INSTALL_WAYS === "1";

/** Runs a shell line in a folder; its output, whatever its exit code. */
async function shell(dir: string, line: string): Promise<{ code: number; output: string }> {
    try {
        const { stdout, stderr } = await run("bash", ["-c", line], {
            cwd: dir,
            encoding: "utf8",
            env: {
                ...process.env,
                npm_config_prefer_offline: "true",
                npm_config_audit: "false",
                npm_config_fund: "false",
            },
            maxBuffer: 64 * 1024 * 1024,
        });
        return { code: 0, output: stdout + stderr };
    } catch (e) {
        const failed = e as { code: number; stdout: string; stderr: string };
        return { code: failed.code, output: failed.stdout + failed.stderr };
    }
}

describe("the README's three ways to install the package, from a fresh clone (SECURED_REST_API_INSTALL_WAYS=1, in .ci/run)", function () {
    this.timeout(900_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "install-ways-"));
    const clone = path.join(dir, "clone");
    const projects: string[] = [];
    before(async function () {
        if (!ENABLED) return this.skip();
        // What a user has after `git clone`: the committed files, no node_modules, no bin/.
        const cloned = await shell(dir, `git clone --quiet ${JSON.stringify(PROJECT_DIR)} clone`);
        expect(cloned.code, cloned.output).to.equal(0);
    });
    after(() => {
        for (const folder of [dir, ...projects]) fs.rmSync(folder, { recursive: true, force: true });
    });

    /** Runs one README line in a new project, `<…>` filled in, and checks what the package gives it. */
    async function install(way: string, fill: Record<string, string>): Promise<void> {
        const project = makeUserProject();
        projects.push(project);
        const line = Object.entries(fill).reduce((text, [placeholder, value]) => text.replace(placeholder, value), way);
        expect(line, "every placeholder filled").not.to.match(/<[^>]+>/);
        const installed = await shell(project, line);
        expect(installed.code, `${line}\n${installed.output}`).to.equal(0);
        const imports = await shell(
            project,
            `node -e 'console.log(typeof require("secured-rest-api").SecuredRestApi, typeof require("secured-rest-api/client").createSignedFetch)'`,
        );
        expect(imports.output.trim(), line).to.equal("function function");
        const bin = await shell(project, "npx secured-rest-api call --help");
        expect(bin.code, bin.output).to.equal(0);
        expect(bin.output).to.match(/^usage: npx secured-rest-api call /);
        const copied = fs.lstatSync(path.join(project, "node_modules/secured-rest-api"));
        expect(copied.isSymbolicLink(), "a copy, not a link to the clone").to.equal(false);
    }

    it(`${INSTALL_WAYS[0]}: from the clone's folder, never built (its prepare script installs its build tools)`, async () => {
        expect(fs.existsSync(path.join(clone, "node_modules"))).to.equal(false);
        await install(INSTALL_WAYS[0], { "<path-to-your-clone>": clone });
    });

    it(`${INSTALL_WAYS[1]}: from the clone as a git repository`, async () => {
        await install(INSTALL_WAYS[1], { "<absolute-path-to-your-clone>": clone });
    });

    it(`${INSTALL_WAYS[2]}: from the tarball npm pack writes in the clone`, async () => {
        const packed = await shell(clone, "npm pack");
        expect(packed.code, packed.output).to.equal(0);
        const tarball = fs.readdirSync(clone).find((f) => /^secured-rest-api-.+\.tgz$/.test(f));
        expect(tarball, packed.output).not.to.equal(undefined);
        await install(INSTALL_WAYS[2], { "<path-to-the-tarball>": path.join(clone, tarball!) });
    });
});
