import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { InvalidSecuredRestApiInput } from "../../../components";
import { runProgramLocally } from "../../../local-aws/engine/runProgram";
import { ProgramTypeErrors, typeCheckProgram } from "../../../local-aws/engine/typeCheck";
import { runTool } from "../../helpers/cli";
import { PROJECT_DIR } from "../../helpers/specs";

const MISSPELLED = "tests/fixtures/typeErrors/misspelledArgument.ts";

describe("local mode type-checks the program first, as pulumi up does", () => {
    it("refuses a program with a type error with the compiler's diagnostics, before running it", async () => {
        const failure = await runProgramLocally({ projectDir: PROJECT_DIR, program: MISSPELLED }).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(failure).to.be.instanceOf(ProgramTypeErrors);
        expect(failure!.message).to.match(
            /^Unable to compile TypeScript \(pulumi up would refuse the program too\):\ntests\/fixtures\/typeErrors\/misspelledArgument\.ts\(9,5\): error TS2561: Object literal may only specify known properties, but 'publicOperation' does not exist in type 'SecuredRestApiArgs'\. Did you mean to write 'publicOperations'\?/,
        );
    });

    it("npm start prints them and exits 1 (the same program, its failed check recorded: no second compile)", async () => {
        const result = await runTool("local-aws/start.ts", ["--port", "0", "--program", MISSPELLED]);
        expect(result.code).to.equal(1);
        expect(result.stderr).to.match(
            /^start: Unable to compile TypeScript \(pulumi up would refuse the program too\):\ntests\/fixtures\/typeErrors\/misspelledArgument\.ts\(9,5\): error TS2561: /,
        );
    });

    it("transpiled only (PULUMI_NODEJS_TRANSPILE_ONLY=true), the component still refuses the misspelled name", async () => {
        process.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
        try {
            const failure = await runProgramLocally({ projectDir: PROJECT_DIR, program: MISSPELLED }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(failure).to.be.instanceOf(InvalidSecuredRestApiInput);
            expect(failure!.message).to.include('Unknown argument "publicOperation": did you mean "publicOperations"?');
        } finally {
            delete process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
        }
    });

    it("checks again when a file of the program changed since its last clean check", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "typecheck-"));
        try {
            const program = path.join(dir, "index.ts");
            // No imports: the check reads only the compiler's own lib files, so it is quick.
            const source = (value: string) => `export const stageName: string = ${value};\n`;
            fs.writeFileSync(program, source('"v1"'));
            typeCheckProgram(program, dir);
            typeCheckProgram(program, dir); // recorded: nothing to check
            fs.writeFileSync(program, source("1"));
            expect(() => typeCheckProgram(program, dir)).to.throw(
                ProgramTypeErrors,
                /index\.ts\(1,14\): error TS2322: Type 'number' is not assignable to type 'string'/,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
    /** A project of its own in a temporary folder: its tsconfig's compiler options, its index.ts, and what else it holds. */
    function inProject(
        compilerOptions: Record<string, unknown>,
        files: Record<string, string>,
        check: (program: string, project: string) => void,
    ): void {
        const project = fs.mkdtempSync(path.join(os.tmpdir(), "project-"));
        try {
            fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ compilerOptions }));
            for (const [file, text] of Object.entries(files)) {
                fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
                fs.writeFileSync(path.join(project, file), text);
            }
            check(path.join(project, "index.ts"), project);
        } finally {
            fs.rmSync(project, { recursive: true, force: true });
        }
    }

    it("a project outside this checkout that installed the package is checked against its copy, not this checkout's sources", () => {
        // Options this checkout's sources do not compile with (a user's own choice), and an installed copy's declarations.
        const options = {
            strict: true,
            noUncheckedIndexedAccess: true,
            exactOptionalPropertyTypes: true,
            target: "ES2022",
            module: "commonjs",
            skipLibCheck: true,
        };
        const installed = {
            "node_modules/secured-rest-api/package.json": '{"name":"secured-rest-api","types":"index.d.ts"}',
            "node_modules/secured-rest-api/index.d.ts":
                "export declare class SecuredRestApi { constructor(name: string, args: { openApiSpec: unknown }); }\n",
        };
        const use = (argument: string) =>
            `import { SecuredRestApi } from "secured-rest-api";\nnew SecuredRestApi("api", { ${argument}: {} });\n`;
        inProject(options, { ...installed, "index.ts": use("openApiSpec") }, (program, project) => {
            expect(() => typeCheckProgram(program, project)).not.to.throw();
            // Its own type errors are still its own.
            fs.writeFileSync(program, use("openApiSpc"));
            expect(() => typeCheckProgram(program, project)).to.throw(
                ProgramTypeErrors,
                /index\.ts\(2,\d+\): error TS2561/,
            );
        });
    });

    it("reports what ts-node reports: its declaration emit is off, so a tsconfig's declaration: true adds no errors", () => {
        const options = { strict: true, declaration: true, target: "ES2022", module: "commonjs" };
        // Declaration emit would refuse it (TS4094: a private member of an exported class expression); ts-node never emits one.
        inProject(options, { "index.ts": "export const Value = class { private n = 1; };\n" }, (program, project) => {
            expect(() => typeCheckProgram(program, project)).not.to.throw();
            fs.writeFileSync(program, "export const value: number = 'one';\n");
            expect(() => typeCheckProgram(program, project)).to.throw(
                ProgramTypeErrors,
                /index\.ts\(1,14\): error TS2322/,
            );
        });
    });
    it("refuses a tsconfig.json with an option TypeScript does not know, as ts-node does", () => {
        inProject(
            { strict: true, notAnOption: true },
            { "index.ts": "export const value = 1;\n" },
            (program, project) => {
                expect(() => typeCheckProgram(program, project)).to.throw(
                    ProgramTypeErrors,
                    /error TS5023: Unknown compiler option 'notAnOption'/,
                );
            },
        );
    });
});
