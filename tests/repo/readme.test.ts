import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { DEFAULT_THROTTLE, MAX_DEFINITION_BYTES } from "../../components";
import * as prettier from "prettier";
import { DEFAULT_ACCESS_LOG_RETENTION_DAYS } from "../../components/restApi/accessLog";
import { EMULATED_RUNTIMES } from "../../local-aws/engine/lambda";
import { DEFAULT_INTEGRATION_TIMEOUT_MS } from "../../local-aws/gateway/lambdaIntegration";
import { INIT_TIMEOUT_MS, MAX_ENVIRONMENTS_PER_FUNCTION } from "../../local-aws/gateway/lambdaRuntimes";
import { runTool } from "../helpers/cli";
import { PROJECT_DIR } from "../helpers/specs";

const DOCUMENTS = ["README.md", "examples/consumer/README.md", "docs/domain.md"];
const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
/** The README without its generated part (the bench table, written by npm run bench). */
const handWritten = read("README.md").replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, "");

/** The script each command runs, from package.json. */
const TOOLS: Record<string, string> = {
    start: "local-aws/start.ts",
    smoke: "smoke/cli.ts",
    call: "clients/cli/call.ts",
    postman: "clients/cli/postman.ts",
    bench: "bench/cli.ts",
};

/** Every `npm start …` / `npm run <tool> …` the documents show, in code blocks or inline code. */
function commandsShown(text: string): { tool: string; line: string }[] {
    const lines = [
        ...[...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n")),
        ...[...text.matchAll(/`(npm [^`]+)`/g)].map((m) => m[1]),
    ];
    return lines.flatMap((raw) => {
        const line = raw.replace(/\s+#.*$/, "").trim();
        const match = /^npm (?:run )?(start|smoke|call|postman|bench)\b/.exec(line);
        return match ? [{ tool: match[1], line }] : [];
    });
}

describe("the READMEs say what the code does", () => {
    it("type no count of tests, cases or checks by hand (those change; the tests are the record)", () => {
        const counts = handWritten.match(
            /\b\d[\d,]*\s+(?:malformed|generated|cases|tests|specs|requests|checks|rows|passed|failed)\b/gi,
        );
        expect(counts ?? []).to.deep.equal([]);
    });

    it("state the defaults and limits the code has", () => {
        expect(handWritten).to.include(
            `\`{ rateLimit: ${DEFAULT_THROTTLE.rateLimit}, burstLimit: ${DEFAULT_THROTTLE.burstLimit} }\``,
        );
        expect(handWritten).to.include(`(${DEFAULT_THROTTLE.rateLimit} rps, burst ${DEFAULT_THROTTLE.burstLimit})`);
        expect(handWritten).to.include(`a ${DEFAULT_ACCESS_LOG_RETENTION_DAYS}-day log group`);
        expect(handWritten).to.include(`${MAX_DEFINITION_BYTES / 1024 / 1024} MB import limit`);
    });

    it("state the Lambda runtimes and limits local mode has", () => {
        expect(handWritten).to.include(`(\`${EMULATED_RUNTIMES[0]}\` to \`${EMULATED_RUNTIMES.at(-1)}\``);
        expect(handWritten).to.include(`outside the timeout, at most ${INIT_TIMEOUT_MS / 1000} s)`);
        expect(handWritten).to.include(`at most ${MAX_ENVIRONMENTS_PER_FUNCTION} run at once per function`);
        expect(handWritten).to.include(`(${DEFAULT_INTEGRATION_TIMEOUT_MS / 1000} s by default)`);
    });

    it("show the Lambda program and its handler exactly as examples/lambda holds them", async () => {
        const options = { ...(await prettier.resolveConfig(path.join(PROJECT_DIR, "README.md"))), tabWidth: 2 };
        for (const [file, language] of [
            ["examples/lambda/index.ts", "ts"],
            ["examples/lambda/app/index.mjs", "js"],
        ]) {
            const asShown = await prettier.format(read(file), { ...options, filepath: file });
            expect(handWritten, file).to.include("```" + language + "\n" + asShown + "```");
        }
    });

    it("show only flags each command has (as its --help lists them)", async () => {
        const shown = DOCUMENTS.flatMap((file) => commandsShown(read(file)).map((c) => ({ ...c, file })));
        expect(shown.map((c) => c.tool)).to.include.members(Object.keys(TOOLS));
        const helps = new Map(
            await Promise.all(
                Object.entries(TOOLS).map(
                    async ([tool, script]) => [tool, (await runTool(script, ["--help"])).stdout] as const,
                ),
            ),
        );
        for (const { tool, line, file } of shown) {
            const flags = line.replace(/'[^']*'|"[^"]*"/g, "").match(/(?<=\s|\[)--?[A-Za-z][\w-]*/g) ?? [];
            for (const flag of flags) {
                expect(helps.get(tool), `${file}: ${line}: ${flag}`).to.match(
                    new RegExp(`(^|\\s)${flag.replace(/-/g, "\\-")}[ ,]`, "m"),
                );
            }
        }
    });
});
