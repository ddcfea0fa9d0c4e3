import { ChildProcessWithoutNullStreams, execFile } from "child_process";
import { promisify } from "util";
import { PROJECT_DIR } from "./specs";

const run = promisify(execFile);

/** How the package scripts run a tool: Node with tsx's require hook, one process. */
export const NODE_WITH_TSX = [process.execPath, "--require", "tsx/cjs"] as const;

export interface ToolResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Runs a command line tool of the project to its end (never synchronously: the tests' local gateway
 * answers from this process), keeping what it printed whatever its exit code.
 */
export async function runTool(
    script: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = {},
): Promise<ToolResult> {
    try {
        const { stdout, stderr } = await run(NODE_WITH_TSX[0], [...NODE_WITH_TSX.slice(1), script, ...args], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
            env: { ...process.env, ...env },
        });
        return { code: 0, stdout, stderr };
    } catch (e) {
        const failed = e as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
}

/** Resolves with what a local mode process printed once it says it serves; rejects if it exits first. */
export function serving(child: ChildProcessWithoutNullStreams): Promise<string> {
    let printed = "";
    return new Promise((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
            printed += chunk.toString();
            if (printed.includes("Serving until")) resolve(printed);
        });
        child.stderr.on("data", (chunk: Buffer) => (printed += chunk.toString()));
        child.on("exit", (code) => reject(new Error(`exited early (${code}): ${printed}`)));
    });
}

/** Stops a local mode process with SIGTERM, which stops the whole chain (SIGKILL to npm would leave its grandchild serving). */
export async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
}
