import { ChildProcessWithoutNullStreams, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { ApiCredentials, createSignedFetch } from "../clients";
import { serving, stop } from "./helpers/cli";
import { TRANSPILED_ENV } from "./helpers/localAws";
import { PROJECT_DIR } from "./helpers/specs";
import { makeUserProject } from "./helpers/userProject";

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
