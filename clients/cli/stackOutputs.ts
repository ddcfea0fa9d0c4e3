import { execFileSync } from "child_process";
import * as fs from "fs";

/**
 * Reads a stack's outputs with secrets in clear: from a JSON file of the shape
 * `pulumi stack output --json --show-secrets` prints, or by running that command for a stack.
 */
export function readStackOutputs(source: { file?: string; stack?: string }): Record<string, unknown> {
    let text: string;
    if (source.file !== undefined) {
        if (!fs.existsSync(source.file)) throw new Error(`Outputs file ${source.file} does not exist.`);
        text = fs.readFileSync(source.file, "utf8");
    } else {
        const stack = source.stack ?? "test";
        try {
            text = execFileSync("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", stack], {
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
            });
        } catch (e) {
            const error = e as NodeJS.ErrnoException & { stderr?: string };
            const reason =
                error.code === "ENOENT"
                    ? "the Pulumi CLI is not installed"
                    : (error.stderr ?? error.message).trim().split("\n")[0];
            throw new Error(
                `Could not read the outputs of stack "${stack}" (${reason}). Pass --outputs <file> instead.`,
            );
        }
    }
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("Stack outputs must be a JSON object.");
    return parsed as Record<string, unknown>;
}
