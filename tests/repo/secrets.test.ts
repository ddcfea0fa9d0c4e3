import { ChildProcessWithoutNullStreams, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { NODE_WITH_TSX, runTool } from "../helpers/cli";
import { TRANSPILED_ENV } from "../helpers/localAws";
import { PROJECT_DIR } from "../helpers/specs";

/** Runs a CLI of the project to its end, keeping everything it printed, whatever its exit code. */
async function runCli(script: string, args: string[]): Promise<{ code: number; printed: string }> {
    const { code, stdout, stderr } = await runTool(script, args);
    return { code, printed: stdout + stderr };
}

describe("secrets never leak: everything the program and the smoke test print, every non-secret output, every error", () => {
    let server: ChildProcessWithoutNullStreams;
    let serverPrinted = "";
    let outputs: Record<string, string>;
    let outputsFile: string;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-"));

    before(async () => {
        outputsFile = path.join(dir, "outputs.json");
        server = spawn(
            NODE_WITH_TSX[0],
            [...NODE_WITH_TSX.slice(1), "local-aws/start.ts", "--port", "0", "--outputs", outputsFile],
            { cwd: PROJECT_DIR, env: { ...process.env, ...TRANSPILED_ENV } },
        );
        server.stdout.on("data", (c: Buffer) => (serverPrinted += c.toString()));
        server.stderr.on("data", (c: Buffer) => (serverPrinted += c.toString()));
        await new Promise<void>((resolve, reject) => {
            server.stdout.on("data", () => serverPrinted.includes("Serving until") && resolve());
            server.on("exit", (code) => reject(new Error(`npm start exited (${code}): ${serverPrinted}`)));
        });
        outputs = JSON.parse(fs.readFileSync(outputsFile, "utf8")) as Record<string, string>;
    });
    after(() => {
        server.kill("SIGTERM");
        fs.rmSync(dir, { recursive: true, force: true });
    });

    function expectNoSecret(text: string, where: string): void {
        expect(outputs.secretAccessKey).to.have.length(40);
        expect(text.includes(outputs.secretAccessKey), `secret access key in ${where}`).to.equal(false);
        expect(text.includes(outputs.accessKeyId), `access key id in ${where}`).to.equal(false);
    }

    it("the program's printed output (npm start)", () => {
        expect(serverPrinted).to.include("accessKeyId");
        expectNoSecret(serverPrinted, "npm start's output");
    });

    it("every non-secret stack output", () => {
        for (const [name, value] of Object.entries(outputs)) {
            if (name !== "accessKeyId" && name !== "secretAccessKey")
                expectNoSecret(JSON.stringify(value), `output ${name}`);
        }
    });

    it("the smoke test's output, passing", async () => {
        const { code, printed } = await runCli("smoke/cli.ts", ["--outputs", outputsFile]);
        expect(printed).to.match(/^\d+ passed, 0 failed$/m);
        expect(code).to.equal(0);
        expectNoSecret(printed, "the smoke test's output");
    });

    it("the smoke test's output, failing (the keys swapped, every signed check refused)", async () => {
        const swapped = path.join(dir, "swapped.json");
        fs.writeFileSync(
            swapped,
            JSON.stringify({ ...outputs, secretAccessKey: outputs.secretAccessKey.split("").reverse().join("") }),
        );
        const { code, printed } = await runCli("smoke/cli.ts", ["--outputs", swapped]);
        expect(code).to.equal(1);
        expect(printed).to.include("FAIL");
        expectNoSecret(printed, "a failing smoke test's output");
        expect(printed.includes(outputs.secretAccessKey.split("").reverse().join(""))).to.equal(false);
    });

    it("error messages of both tools", async () => {
        const broken = path.join(dir, "broken.json");
        fs.writeFileSync(
            broken,
            JSON.stringify({
                invokeUrl: outputs.invokeUrl,
                accessKeyId: outputs.accessKeyId,
                secretAccessKey: outputs.secretAccessKey,
            }),
        );
        const smoke = await runCli("smoke/cli.ts", ["--outputs", broken]);
        expect(smoke.code).to.equal(2);
        expect(smoke.printed).to.include("lacks region");
        expectNoSecret(smoke.printed, "the smoke test's error");
        const start = await runCli("local-aws/start.ts", ["--port", "0", "--stack", "nonexistent"]);
        expect(start.code).to.equal(1);
        expect(start.printed).to.include('Stack "nonexistent" has no configuration file');
        expectNoSecret(start.printed, "npm start's error");
    });
});
