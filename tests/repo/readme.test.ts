import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { DEFAULT_THROTTLE, MAX_DEFINITION_BYTES } from "../../components";
import * as prettier from "prettier";
import { DEFAULT_ACCESS_LOG_RETENTION_DAYS } from "../../components/restApi/accessLog";
import { EMULATED_RUNTIMES } from "../../local-aws/engine/lambda";
import { DEFAULT_INTEGRATION_TIMEOUT_MS } from "../../local-aws/gateway/lambdaIntegration";
import { INIT_TIMEOUT_MS, MAX_ENVIRONMENTS_PER_FUNCTION } from "../../local-aws/gateway/lambdaRuntimes";
import { installCommand } from "../../local-aws/requirements";
import { runTool } from "../helpers/cli";
import { INSTALL_WAYS } from "../helpers/userProject";
import { PROJECT_DIR } from "../helpers/specs";

/** Every page a user reads: the README, the docs (but the generated reference) and the example's README. */
const DOCUMENTS = [
    "README.md",
    "examples/consumer/README.md",
    ...fs
        .readdirSync(path.join(PROJECT_DIR, "docs"))
        .filter((f) => f.endsWith(".md") && f !== "reference.md")
        .map((f) => `docs/${f}`),
];
const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
/** The pages without their generated part (the bench table, written by npm run bench). */
const handWritten = DOCUMENTS.map(read)
    .join("\n")
    .replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, "");

/** The script each command runs, from package.json. */
const TOOLS: Record<string, string> = {
    start: "local-aws/start.ts",
    smoke: "smoke/cli.ts",
    call: "clients/cli/call.ts",
    postman: "clients/cli/postman.ts",
    bench: "bench/cli.ts",
};

/** The lines of the documents' `sh` code blocks and inline `npm …`/`npx …` code, without comments. */
function shellLines(text: string): string[] {
    return [
        ...[...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n")),
        ...[...text.matchAll(/`(np[mx] [^`]+)`/g)].map((m) => m[1]),
    ].map((raw) => raw.replace(/\s+#.*$/, "").trim());
}

/** Every `npm start …` / `npm run <tool> …` / `npx secured-rest-api <tool> …` the documents show. */
function commandsShown(text: string): { tool: string; line: string }[] {
    return shellLines(text).flatMap((line) => {
        const match = /^(?:npm (?:run )?|npx secured-rest-api )(start|smoke|call|postman|bench)\b/.exec(line);
        return match ? [{ tool: match[1], line }] : [];
    });
}

describe("the README and the docs say what the code does", () => {
    it("keep the README a newcomer's page (at most 250 lines), each docs page opening with what it is for", () => {
        expect(read("README.md").split("\n").length).to.be.at.most(250);
        for (const file of DOCUMENTS.filter((f) => f.startsWith("docs/")))
            expect(read(file).split("\n")[2], file).to.match(/^What this page is for: /);
    });

    it("link only to files and headings that exist", () => {
        const slug = (heading: string) =>
            heading
                .trim()
                .toLowerCase()
                .replace(/[^\p{L}\p{N} _-]/gu, "")
                .replace(/ /g, "-");
        const headings = (file: string) =>
            new Set([...read(file).matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1].replace(/`/g, ""))));
        for (const file of [...DOCUMENTS, "docs/reference.md"]) {
            for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
                if (/^[a-z]+:/.test(target)) continue;
                const [linked, anchor] = target.split("#");
                const resolved = linked === "" ? file : path.join(path.dirname(file), linked);
                expect(fs.existsSync(path.join(PROJECT_DIR, resolved)), `${file}: ${target}`).to.equal(true);
                if (anchor !== undefined && resolved.endsWith(".md"))
                    expect(headings(resolved).has(anchor), `${file}: ${target}`).to.equal(true);
            }
        }
    });

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

    it("show npx secured-rest-api for each tool of the bin, and local mode's npm install -D as start names it", () => {
        const shown = commandsShown(handWritten).filter((c) => c.line.startsWith("npx "));
        expect(shown.map((c) => c.tool)).to.include.members(["start", "call", "smoke", "postman"]);
        expect(shellLines(handWritten)).to.include(installCommand());
    });

    it("show the three ways to install the package, each with placeholders (tests/installWays.test.ts runs them)", () => {
        expect(shellLines(handWritten)).to.include.members(INSTALL_WAYS);
    });
});
