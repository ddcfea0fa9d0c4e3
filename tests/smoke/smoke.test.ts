import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import { DeployedOperation, operationsFromOutputs, operationsFromSpec } from "../../smoke/operations";
import { PET_STORE_DATA_CHECKS } from "../../smoke/petStore";
import { runSmokeTest, SmokeOutputs, SmokeRow } from "../../smoke/smokeTest";
import { runTool } from "../helpers/cli";
import { TRANSPILED } from "../helpers/localAws";
import { PROJECT_DIR } from "../helpers/specs";

/** The checks every secured operation gets, in order. */
const PER_OPERATION = [
    "unsigned",
    "wrong secret key",
    "unknown access key",
    "signature older than 5 minutes",
    "path changed after signing",
];

type Outputs = SmokeOutputs & Record<string, unknown>;

async function serve(
    program?: string,
): Promise<{ local: LocalMode; outputs: Outputs; operations: DeployedOperation[] }> {
    const local = await startLocalMode({ projectDir: PROJECT_DIR, program, ...TRANSPILED });
    const outputs = outputsAsJson(local.outputs) as Outputs;
    return { local, outputs, operations: operationsFromOutputs(outputs)! };
}

/** The rows one secured operation must produce, all passing. */
function expectSecured(rows: readonly SmokeRow[], operation: string, signedVerb: string): void {
    const mine = rows.filter((r) => r.operation === operation && r.result !== "PUBLIC");
    expect(mine.map((r) => r.check).slice(0, 6), operation).to.deep.equal([...PER_OPERATION, `signed ${signedVerb}`]);
    for (const row of mine) expect(row.result, `${operation} ${row.check}: ${row.seen}`).to.equal("PASS");
}

describe("the smoke test proves any API, operation by operation, from the deployed document", () => {
    it("the pet store: every operation refuses every bad caller and lets the right one in; its data checks follow", async () => {
        const { local, outputs, operations } = await serve();
        try {
            const rows = await runSmokeTest(outputs, { operations });
            for (const o of operations) expectSecured(rows, `${o.verb} ${o.path}`, o.verb);
            const data = rows.slice(operations.length * 6);
            expect(data.map((r) => r.check)).to.deep.equal(PET_STORE_DATA_CHECKS.map((c) => c.check));
            for (const row of data) expect(row.result, `${row.check}: ${row.seen}`).to.equal("PASS");
        } finally {
            await local.close();
        }
    });

    it("another API ({proxy+} with ANY, HEAD, nested parameters, a public preflight): no pet-store checks", async () => {
        const { local, outputs, operations } = await serve("tests/fixtures/programs/anyApi.ts");
        try {
            expect(operations.map((o) => `${o.verb} ${o.path} ${o.authorization}`)).to.deep.equal([
                "GET / AWS_IAM",
                "POST /items AWS_IAM",
                "OPTIONS /items NONE",
                "GET /items/{itemId} AWS_IAM",
                "DELETE /items/{itemId} AWS_IAM",
                "ANY /files/{proxy+} AWS_IAM",
                "HEAD /reports/{year}/summary AWS_IAM",
            ]);
            const rows = await runSmokeTest(outputs, { operations });
            for (const o of operations.filter((o) => o.authorization === "AWS_IAM"))
                expectSecured(rows, `${o.verb} ${o.path}`, o.verb === "ANY" ? "GET" : o.verb);
            const publicRows = rows.filter((r) => r.result === "PUBLIC");
            expect(publicRows.map((r) => [r.operation, r.seen])).to.deep.equal([
                ["OPTIONS /items", "unsigned OPTIONS: 200"],
            ]);
            expect(rows).to.have.length(6 * 6 + 1);
        } finally {
            await local.close();
        }
    });

    describe("npm run smoke", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-"));
        let served: Awaited<ReturnType<typeof serve>>;
        before(async () => (served = await serve()));
        after(async () => {
            await served.local.close();
            fs.rmSync(dir, { recursive: true, force: true });
        });
        const write = (name: string, value: unknown) => {
            const file = path.join(dir, name);
            fs.writeFileSync(file, JSON.stringify(value));
            return file;
        };

        it("fails against a server that answers 200 to everything, naming each operation left open", async () => {
            const open = http.createServer((_req, res) =>
                res.writeHead(200, { "Content-Type": "application/json" }).end("{}"),
            );
            await new Promise<void>((resolve) => open.listen(0, "127.0.0.1", resolve));
            try {
                const port = (open.address() as AddressInfo).port;
                const outputs = write("open.json", { ...served.outputs, invokeUrl: `http://127.0.0.1:${port}/test` });
                const result = await runTool("smoke/cli.ts", ["--outputs", outputs]);
                expect(result.code, result.stdout + result.stderr).to.equal(1);
                const names = served.operations.map((o) => `${o.verb} ${o.path}`);
                expect(result.stdout).to.include(`Left open (a bad request was not refused): ${names.join(", ")}`);
                for (const name of names)
                    expect(result.stdout).to.match(
                        new RegExp(`^FAIL +${name.replace(/[{}/]/g, "\\$&")} +unsigned +403`, "m"),
                    );
            } finally {
                open.close();
            }
        });

        it("reads the operations from --spec when the outputs have none, and says how when neither is there", async () => {
            const outputs = write("old.json", { ...served.outputs, operations: undefined });
            const withSpec = await runTool("smoke/cli.ts", [
                "--outputs",
                outputs,
                "--spec",
                "api/petstore.openapi.yaml",
            ]);
            expect(withSpec.code, withSpec.stdout + withSpec.stderr).to.equal(0);
            expect(withSpec.stdout).to.include("4 operations from api/petstore.openapi.yaml");
            expect(withSpec.stdout).to.match(/^\d+ passed, 0 failed$/m);
            const neither = await runTool("smoke/cli.ts", ["--outputs", outputs]);
            expect(neither.code).to.equal(2);
            expect(neither.stderr).to.include("The stack outputs have no operations: export them from the program");
        });

        it("with --spec, --public names the program's public operations: reported as public, never failed", async () => {
            const outputs = write("old.json", { ...served.outputs, operations: undefined });
            const refused = await runTool("smoke/cli.ts", ["--outputs", outputs, "--public", "GET /pets"]);
            expect(refused.code).to.equal(2);
            expect(refused.stderr).to.include("--public goes with --spec");
            // GET /pets is secured in this deployment: the row shows what an unsigned call got, and does not fail.
            const operations = operationsFromSpec(path.join(PROJECT_DIR, "api/petstore.openapi.yaml"), ["GET /pets"]);
            const rows = await runSmokeTest(served.outputs, { operations });
            const publicRow = rows.find((r) => r.operation === "GET /pets")!;
            expect([publicRow.result, publicRow.seen]).to.deep.equal([
                "PUBLIC",
                "unsigned GET: 403 MissingAuthenticationTokenException",
            ]);
            expect(rows.every((r) => r.pass)).to.equal(true);
        });
    });
});

describe("npm run smoke -- --spec takes the document as the program gives it to the component", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-spec-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, document: object) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, JSON.stringify(document));
        return file;
    };
    const items = {
        get: { responses: { "200": { description: "The items" } } },
        post: { responses: { "201": { description: "The item added" } } },
    };

    it("operations without an integration (lambdaIntegrations wires them) or with a {{placeholder}} are its operations", () => {
        const spec = write("items.json", {
            openapi: "3.0.3",
            info: { title: "Items", version: "1" },
            paths: {
                "/items": items,
                "/orders": {
                    get: {
                        responses: { "200": { description: "The orders" } },
                        "x-amazon-apigateway-integration": {
                            type: "http_proxy",
                            httpMethod: "GET",
                            uri: "{{ordersUrl}}",
                        },
                    },
                },
            },
        });
        expect(operationsFromSpec(spec, ["GET /orders"])).to.deep.equal([
            { verb: "GET", path: "/items", authorization: "AWS_IAM" },
            { verb: "POST", path: "/items", authorization: "AWS_IAM" },
            { verb: "GET", path: "/orders", authorization: "NONE" },
        ]);
    });

    it("still refuses what decides the operations: a public operation the document does not have", () => {
        const spec = write("lambda.json", {
            openapi: "3.0.3",
            info: { title: "Items", version: "1" },
            paths: { "/items": items },
        });
        expect(() => operationsFromSpec(spec, ["DELETE /items"])).to.throw(/DELETE \/items/);
    });
});
