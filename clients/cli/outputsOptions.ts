import { ApiCredentials, assertApiCredentials, assertApiEndpoint } from "../signedFetch";
import { commandLine, OptionSpec, UsageError } from "./command";
import { readStackOutputs } from "./stackOutputs";

/** The options by which every tool of this repository chooses the stack outputs it reads. */
export const OUTPUTS_OPTIONS = {
    outputs: {
        type: "string",
        placeholder: "<file>",
        description: `stack outputs as \`pulumi stack output --json --show-secrets\` prints them (or ${commandLine("start")} writes)`,
    },
    program: {
        type: "string",
        placeholder: "<file>",
        description: `the outputs ${commandLine("start")} wrote for this --program (with --stack)`,
    },
    stack: {
        type: "string",
        placeholder: "<name>",
        description: "the Pulumi stack, else the stack local mode ran (default test)",
    },
} as const satisfies Record<string, OptionSpec>;

/**
 * The stack outputs chosen by `--outputs`/`--program`/`--stack` (or found: see readStackOutputs),
 * checked to hold what a client needs (the key pair too, unless `keys: false`: the credentials then
 * come from elsewhere); says on stderr where they came from.
 */
export function readApiCredentials(
    tool: string,
    values: { outputs?: string; program?: string; stack?: string },
    { keys = true }: { keys?: boolean } = {},
): ApiCredentials & Record<string, unknown> {
    if (values.outputs !== undefined && values.program !== undefined)
        throw new UsageError("choose the outputs with --outputs or with --program, not both");
    const { outputs, source } = readStackOutputs({
        file: values.outputs,
        program: values.program,
        stack: values.stack,
    });
    process.stderr.write(`${tool}: using the outputs from ${source}\n`);
    if (keys) assertApiCredentials(outputs, source);
    else assertApiEndpoint(outputs, source);
    return outputs as ApiCredentials & Record<string, unknown>;
}
