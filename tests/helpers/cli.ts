import { execFile } from "child_process";
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
