import * as fs from "fs";
import * as path from "path";
import { PolicyPackConfig } from "@pulumi/policy";
import { expect } from "chai";
import { createSignedFetch } from "../../clients";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import type { Registration } from "../../local-aws/engine/mocks";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import { evaluatePolicyPack, readPolicyPackConfig } from "../../local-aws/policyPack";
import { operationsFromOutputs } from "../../smoke/operations";
import { runSmokeTest } from "../../smoke/smokeTest";
import { TRANSPILED } from "../helpers/localAws";
import { PROJECT_DIR } from "../helpers/specs";

const CONSUMER_DIR = path.join(PROJECT_DIR, "examples/consumer");

describe("examples/consumer runs: its own project, program and stack, in local mode", () => {
    let local: LocalMode;
    let outputs: { invokeUrl: string; region: string; accessKeyId: string; secretAccessKey: string };
    let registrations: readonly Registration[] = [];
    before(async () => {
        local = await startLocalMode({
            projectDir: CONSUMER_DIR,
            program: "index.ts",
            stack: "dev",
            ...TRANSPILED,
            beforeServe: (run) => void (registrations = run.mocks.registrations),
        });
        outputs = outputsAsJson(local.outputs) as typeof outputs;
    });
    after(() => local.close());

    it("its README's npm start passes the policy pack with the configuration it names, and not without", async () => {
        const readme = fs.readFileSync(path.join(CONSUMER_DIR, "README.md"), "utf8");
        const start = /^npm start -- .*$/m.exec(readme)?.[0] ?? "";
        const configFile = /--policy-pack-config (\S+)/.exec(start)?.[1];
        expect(configFile, start).to.be.a("string");
        const mandatory = async (config?: PolicyPackConfig) =>
            (await evaluatePolicyPack(registrations, { config }))
                .filter((d) => d.enforcementLevel === "mandatory")
                .map((d) => d.message);
        expect(await mandatory(readPolicyPackConfig(path.join(PROJECT_DIR, configFile!)))).to.deep.equal([]);
        expect((await mandatory()).join("\n")).to.include("OPTIONS /orders");
    });

    it("deploys stage v1 in its stack's region", () => {
        expect(outputs.invokeUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
        expect(outputs.region).to.equal("eu-west-1");
    });

    it("answers a signed GET /orders, and refuses it unsigned or with a wrong secret", async () => {
        const signed = await createSignedFetch(outputs)("/orders");
        expect(signed.status).to.equal(200);
        expect(await signed.json()).to.deep.equal([{ id: "o-1", total: 42 }]);
        const unsigned = await fetch(`${outputs.invokeUrl}/orders`);
        expect(unsigned.status).to.equal(403);
        expect(unsigned.headers.get("x-amzn-errortype")).to.equal("MissingAuthenticationTokenException");
        const forged = await createSignedFetch({ ...outputs, secretAccessKey: "x".repeat(40) })("/orders");
        expect(forged.headers.get("x-amzn-errortype")).to.equal("InvalidSignatureException");
    });

    it("answers its public CORS preflight unsigned, through its resource policy (denyOutsideAccounts included)", async () => {
        const preflight = await fetch(`${outputs.invokeUrl}/orders`, { method: "OPTIONS" });
        expect(preflight.status).to.equal(200);
        expect(preflight.headers.get("access-control-allow-origin")).to.equal("*");
        expect(preflight.headers.get("access-control-allow-headers")).to.include("Authorization");
        const body = JSON.parse(String(local.account.deployments.values().next().value?.body)) as Record<
            string,
            unknown
        >;
        expect(JSON.stringify(body["x-amazon-apigateway-policy"])).to.include("DenyOutsideAccounts");
    });

    it("passes the smoke test: GET /orders refuses every bad caller, the preflight is reported public", async () => {
        const operations = operationsFromOutputs(outputsAsJson(local.outputs))!;
        const rows = await runSmokeTest(outputs, { operations });
        for (const row of rows) expect(row.pass, `${row.operation} ${row.check}: ${row.seen}`).to.equal(true);
        expect(rows.filter((r) => r.result === "PUBLIC").map((r) => r.operation)).to.deep.equal(["OPTIONS /orders"]);
        expect(rows.filter((r) => r.result === "PASS" && r.operation === "GET /orders")).to.have.length(6);
    });
});
