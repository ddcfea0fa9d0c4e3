import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { ESLint } from "eslint";
import * as prettier from "prettier";
import * as ts from "typescript";
import { PROJECT_DIR } from "../helpers/specs";

/** What `prettier --check .` skips: its default ignore files. */
const PRETTIER_IGNORE = [".gitignore", ".prettierignore"].map((f) => path.join(PROJECT_DIR, f));
const formatChecked = async (file: string) =>
    !(await prettier.getFileInfo(path.join(PROJECT_DIR, file), { ignorePath: PRETTIER_IGNORE })).ignored;

/**
 * The project's files as git tracks them; undefined where the project is not a checkout of its own (no
 * git, or a copy inside another checkout, as Stryker's sandbox is): the list is then unknown.
 */
function trackedFiles(...patterns: string[]): string[] | undefined {
    try {
        const top = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: PROJECT_DIR, encoding: "utf8" });
        if (fs.realpathSync(top.trim()) !== fs.realpathSync(PROJECT_DIR)) return undefined;
        return execFileSync("git", ["ls-files", ...patterns], { cwd: PROJECT_DIR, encoding: "utf8" })
            .split("\n")
            .filter((f) => f !== "");
    } catch {
        return undefined;
    }
}

describe("npm run lint checks the project's files, never a user's own", function () {
    this.timeout(60_000);
    const eslint = new ESLint({ cwd: PROJECT_DIR });

    it("leaves alone a user's program, spec and stack file at the root or in a folder of their own", async () => {
        for (const file of [
            "my-api.ts",
            "apis/orders.ts",
            "my-api.openapi.yaml",
            "Pulumi.dev.yaml",
            "notes.md",
            "handler.mjs",
            "app/index.js",
            "tools/seed.cjs",
        ]) {
            if (/\.[cm]?[jt]s$/.test(file))
                expect(await eslint.isPathIgnored(path.join(PROJECT_DIR, file)), file).to.equal(true);
            expect(await formatChecked(file), file).to.equal(false);
        }
    });

    it("lints every JavaScript file of the project's own", async function () {
        const tracked = trackedFiles("*.js", "*.mjs", "*.cjs");
        if (tracked === undefined) return this.skip();
        expect(tracked).to.include("examples/lambda/app/index.mjs");
        for (const file of tracked)
            expect(await eslint.isPathIgnored(path.join(PROJECT_DIR, file)), file).to.equal(false);
    });

    it("lints every TypeScript file tsconfig.json compiles", async () => {
        const { config } = ts.readConfigFile(path.join(PROJECT_DIR, "tsconfig.json"), (f) => ts.sys.readFile(f)) as {
            config: unknown;
        };
        const files = ts.parseJsonConfigFileContent(config, ts.sys, PROJECT_DIR).fileNames;
        expect(files).to.include(path.join(PROJECT_DIR, "index.ts"));
        for (const file of files) expect(await eslint.isPathIgnored(file), file).to.equal(false);
    });

    it("format-checks every file of the repository prettier can format (a new top-level entry must be listed)", async function () {
        const tracked = trackedFiles();
        if (tracked === undefined) return this.skip();
        const formattable = tracked.filter((f) => /\.(ts|mjs|json|md|ya?ml)$/.test(f));
        const intendedlyIgnored = ["package-lock.json", "bench/results.json", "bench/results.md", "docs/reference.md"];
        // The corpus of real documents stays byte for byte as its sources published it.
        const ignoredFolders = ["tests/fixtures/real-world/"];
        for (const file of formattable)
            expect(await formatChecked(file), file).to.equal(
                !intendedlyIgnored.includes(file) && !ignoredFolders.some((folder) => file.startsWith(folder)),
            );
    });
});
