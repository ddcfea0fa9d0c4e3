import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import type { DeployedOperation } from "../../smoke/operations";
import { PET_STORE_DATA_CHECKS } from "../../smoke/petStore";
import { allPassed, formatTable, runSmokeTest, SmokeRow, SmokeRowKind } from "../../smoke/smokeTest";
import { runTool } from "../helpers/cli";
import { StandInAnswer, StandInGateway, standInGateway, StandInRequest } from "../helpers/standInGateway";

const json = { "Content-Type": "application/json" };

/** A small API like a new user's first one: three secured operations, no pet-store data checks. */
const ITEMS: DeployedOperation[] = [
    { verb: "GET", path: "/items", authorization: "AWS_IAM" },
    { verb: "POST", path: "/items", authorization: "AWS_IAM" },
    { verb: "GET", path: "/items/{itemId}", authorization: "AWS_IAM" },
];
const PET_STORE: DeployedOperation[] = ["GET /", "GET /pets", "POST /pets", "GET /pets/{petId}"].map((o) => {
    const [verb, path] = o.split(" ");
    return { verb, path, authorization: "AWS_IAM" };
});
/** An API with a public operation (a CORS preflight, say) between secured ones. */
const WITH_PUBLIC: DeployedOperation[] = [
    { verb: "GET", path: "/items", authorization: "AWS_IAM" },
    { verb: "OPTIONS", path: "/items", authorization: "NONE" },
    { verb: "GET", path: "/items/{itemId}", authorization: "AWS_IAM" },
];
const isPublic = (method: string, path: string) => method === "OPTIONS" && path === "/items";

type Breakage = (working: StandInAnswer) => StandInAnswer;
const serverError: Breakage = () => ({ status: 500, headers: json, body: '{"error":"boom"}' });
const ownBodyWithErrorType: Breakage = (working) => ({
    ...working,
    headers: { ...working.headers, "x-amzn-ErrorType": "InternalServerErrorException" },
});
const letIn: Breakage = () => ({ status: 200, headers: json, body: "{}" });

/**
 * Integrations that fail, and errors API Gateway makes itself (each with its `x-amzn-ErrorType`,
 * whatever status a gateway response gives it): what the right signature must never be proven by.
 */
const BROKEN: readonly { readonly name: string; readonly answer: Breakage }[] = [
    { name: "the integration answers 500", answer: serverError },
    {
        name: "a Lambda failure (502)",
        answer: () => ({
            status: 502,
            headers: { ...json, "x-amzn-ErrorType": "InternalServerErrorException" },
            body: '{"message": "Internal server error"}',
        }),
    },
    {
        name: "an unreachable backend (502 BadGatewayException)",
        answer: () => ({ status: 502, headers: { ...json, "x-amzn-ErrorType": "BadGatewayException" }, body: "" }),
    },
    {
        name: "an integration timeout (504)",
        answer: () => ({
            status: 504,
            headers: { ...json, "x-amzn-ErrorType": "InternalServerErrorException" },
            body: '{"message": "Endpoint request timed out"}',
        }),
    },
    {
        name: "throttling, its gateway response set to 200",
        answer: () => ({
            status: 200,
            headers: { ...json, "x-amzn-ErrorType": "TooManyRequestsException" },
            body: '{"message":"Too Many Requests"}',
        }),
    },
    {
        name: "an invalid request body (BAD_REQUEST_BODY, 400)",
        answer: () => ({
            status: 400,
            headers: { ...json, "x-amzn-ErrorType": "BadRequestException" },
            body: '{"message": "Invalid request body"}',
        }),
    },
    { name: "the integration's own body, but an x-amzn-ErrorType (a 2xx DEFAULT_5XX)", answer: ownBodyWithErrorType },
];

/** Every request the integration would get is answered by `broken`; refusals stay as they are. */
const breakIntegration = (broken: Breakage) => (request: StandInRequest, _index: number, working: StandInAnswer) =>
    request.reachedIntegration ? broken(working) : working;

const rowLine = (result: string, operation: string, check: string) =>
    new RegExp(`^${result} +${operation.replace(/[{}/?]/g, "\\$&")} +${check} `, "m");

describe("the smoke test fails an API whose integrations do not answer, naming each row (npm run smoke)", function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-verdict-"));
    let gateway: StandInGateway;
    before(async () => (gateway = await standInGateway()));
    after(async () => {
        await gateway.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });
    /** `npm run smoke`'s command (node with tsx's hook, smoke/cli.ts) on outputs naming these operations. */
    const smoke = async (operations: readonly DeployedOperation[]) => {
        const file = path.join(dir, "outputs.json");
        fs.writeFileSync(file, JSON.stringify({ ...gateway.outputs, operations }));
        const result = await runTool("smoke/cli.ts", ["--outputs", file]);
        expect(result.stdout + result.stderr).not.to.include(gateway.outputs.secretAccessKey);
        return result;
    };

    for (const broken of BROKEN)
        it(`${broken.name}: every signed row fails with what it got, every refusal passes, exit 1`, async () => {
            gateway.answer = breakIntegration(broken.answer);
            const result = await smoke(ITEMS);
            expect(result.code, result.stdout + result.stderr).to.equal(1);
            const got = broken.answer({ status: 200, headers: json, body: "{}" });
            const errorType = got.headers?.["x-amzn-ErrorType"];
            const seen = `${got.status}${errorType ? ` ${errorType}` : ""}`;
            for (const { verb, path } of ITEMS) {
                const operation = `${verb} ${path}`;
                const line = result.stdout
                    .split("\n")
                    .find((l) => rowLine("FAIL", operation, `signed ${verb}`).test(l));
                expect(line, `${operation} signed row in:\n${result.stdout}`).to.be.a("string");
                expect(line).to.include(seen);
                for (const check of ["unsigned", "wrong secret key", "unknown access key"])
                    expect(result.stdout).to.match(rowLine("PASS", operation, check));
            }
            expect(result.stdout).to.match(/^15 passed, 3 failed$/m);
            expect(result.stdout).to.include(
                `Failed with the right signature: ${ITEMS.map((o) => `${o.verb} ${o.path} (signed ${o.verb})`).join(", ")}`,
            );
        });

    it("the pet store answering its example data with an x-amzn-ErrorType: its data checks fail too", async () => {
        gateway.answer = breakIntegration(ownBodyWithErrorType);
        const result = await smoke(PET_STORE);
        expect(result.code, result.stdout + result.stderr).to.equal(1);
        for (const check of PET_STORE_DATA_CHECKS)
            expect(result.stdout).to.match(rowLine("FAIL", check.operation, check.check));
        expect(result.stdout).to.match(/^20 passed, 8 failed$/m);
    });
});

describe("the smoke test's verdict counts a failed row of every kind", function () {
    this.timeout(120_000);
    let gateway: StandInGateway;
    before(async () => (gateway = await standInGateway({ isPublic })));
    after(() => gateway.close());

    /** What turns a passing row into a failing one: a refusal let in; an integration that fails or an error of API Gateway's own. */
    const breakages = (request: StandInRequest): Breakage[] =>
        request.reachedIntegration ? [serverError, ownBodyWithErrorType] : [letIn];

    for (const [api, operations] of [
        ["the pet store (refusals, signed rows, data checks)", PET_STORE],
        ["an API with a public operation", WITH_PUBLIC],
    ] as const)
        it(`${api}: breaking any one row's answer fails the verdict, with exactly that row named`, async () => {
            gateway.answer = (_request, _index, working) => working;
            const healthy = await runSmokeTest(gateway.outputs, { operations });
            expect(allPassed(healthy), formatTable(healthy)).to.equal(true);
            const requests = gateway.answered.splice(0).map((a) => a.request);
            expect(requests).to.have.length(healthy.length);
            const publicRows = healthy.filter((r) => r.result === "PUBLIC").length;
            // What each broken row's kind is (its row's, then the test's own), checked once the verdicts are.
            const kinds = new Map<string, SmokeRowKind>();
            for (const [i, request] of requests.entries())
                for (const broken of breakages(request)) {
                    gateway.answer = (_request, index, working) => (index === i ? broken(working) : working);
                    const rows = await runSmokeTest(gateway.outputs, { operations });
                    gateway.answered.splice(0);
                    const what = `row ${i} (${healthy[i].operation} ${healthy[i].check}) answered ${JSON.stringify(broken({ status: 200, body: "{}" }))}`;
                    const failed = rows.filter((r: SmokeRow) => r.result === "FAIL");
                    expect(
                        failed.map((r) => `${r.operation} ${r.check}`),
                        what,
                    ).to.deep.equal([`${healthy[i].operation} ${healthy[i].check}`]);
                    expect(allPassed(rows), what).to.equal(false);
                    const table = formatTable(rows);
                    // The row's kind, as the test knows it: a public operation's, a refusal, or a signed call's.
                    const kind: SmokeRowKind =
                        healthy[i].result === "PUBLIC"
                            ? "public"
                            : !request.reachedIntegration
                              ? "refusal"
                              : i >= healthy.length - (operations === PET_STORE ? PET_STORE_DATA_CHECKS.length : 0)
                                ? "data"
                                : "signed";
                    const stillPublic = publicRows - (kind === "public" ? 1 : 0);
                    expect(table, what).to.match(
                        new RegExp(`^${healthy.length - 1 - stillPublic} passed, 1 failed`, "m"),
                    );
                    const named = `${healthy[i].operation} (${healthy[i].check})`;
                    expect(table, what).to.include(
                        {
                            refusal: `Left open (a bad request was not refused): ${healthy[i].operation}`,
                            signed: `Failed with the right signature: ${named}`,
                            data: `Failed with the right signature: ${named}`,
                            public: `Public, but failed (a 5xx, or an error of API Gateway's own): ${healthy[i].operation}`,
                        }[kind],
                    );
                    kinds.set(`${what}: ${failed[0].kind}`, kind);
                }
            for (const [row, kind] of kinds) expect(row).to.match(new RegExp(`: ${kind}$`));
            expect([...new Set(kinds.values())].sort()).to.deep.equal(
                operations === PET_STORE ? ["data", "refusal", "signed"] : ["public", "refusal", "signed"],
            );
        });

    it("a signed row the gateway refuses with AccessDeniedException fails, pointing to --spec for a caller granted only some operations", async () => {
        gateway.answer = (request: StandInRequest, _index: number, working: StandInAnswer): StandInAnswer =>
            request.reachedIntegration
                ? {
                      status: 403,
                      headers: { ...json, "x-amzn-ErrorType": "AccessDeniedException" },
                      body: '{"Message":"User: arn:aws:iam::123456789012:user/smoke is not authorized"}',
                  }
                : working;
        const rows = await runSmokeTest(gateway.outputs, { operations: ITEMS.slice(0, 1) });
        gateway.answered.splice(0);
        const signed = rows.find((r) => r.check === "signed GET")!;
        expect(signed.result).to.equal("FAIL");
        expect(signed.seen).to.match(/the caller is not allowed this operation .*--spec <a document of them>/);
    });

    it("a signed row retried while the key propagates fails if the integration then fails (and passes if it answers)", async () => {
        const deniedOnce = (afterwards: Breakage) => {
            let denied = false;
            return (request: StandInRequest, _index: number, working: StandInAnswer): StandInAnswer => {
                if (!request.reachedIntegration) return working;
                if (denied) return afterwards(working);
                denied = true;
                return {
                    status: 403,
                    headers: { ...json, "x-amzn-ErrorType": "AccessDeniedException" },
                    body: '{"Message":"User: arn:aws:iam::123456789012:user/smoke is not authorized"}',
                };
            };
        };
        const operations = ITEMS.slice(0, 1);
        for (const [afterwards, result] of [
            [(working: StandInAnswer) => working, "PASS"],
            [serverError, "FAIL"],
            [ownBodyWithErrorType, "FAIL"],
        ] as const) {
            gateway.answer = deniedOnce(afterwards);
            const rows = await runSmokeTest(gateway.outputs, {
                operations,
                retryForSeconds: 10,
                firstRetryDelayMs: 50,
            });
            gateway.answered.splice(0);
            const signed = rows.find((r) => r.check === "signed GET")!;
            expect([signed.result, signed.attempts], signed.seen).to.deep.equal([result, 2]);
            expect(allPassed(rows)).to.equal(result === "PASS");
            expect(formatTable(rows)).to.match(result === "PASS" ? /^6 passed, 0 failed$/m : /^5 passed, 1 failed$/m);
        }
    });
});
