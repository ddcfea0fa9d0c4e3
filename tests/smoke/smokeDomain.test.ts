import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { SecuredRestApi, SecuredRestApiArgs } from "../../components";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import { CertificateAuthority, IssuedCertificate } from "../../local-aws/gateway/tls";
import { certificateAuthorityFile, localEndpoints } from "../../local-aws/tryIt";
import { operationsFromOutputs } from "../../smoke/operations";
import { allPassed, formatTable, runSmokeTest, SmokeOutputs } from "../../smoke/smokeTest";
import { TRANSPILED } from "../helpers/localAws";
import { PETSTORE_OPENAPI, PROJECT_DIR } from "../helpers/specs";

const CERTIFICATE = "arn:aws:acm:us-west-2:123456789012:certificate/0e8c1a47-5b2d-4f4e-9a53-7d1e2f6a9b10";

describe("the smoke test through a custom domain", function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-domain-"));
    let client: IssuedCertificate;
    const running: LocalMode[] = [];

    /** The pet store behind api.example.com/v1 on local mode, with the outputs npm start would write. */
    async function serve(args: Partial<SecuredRestApiArgs>): Promise<SmokeOutputs & Record<string, unknown>> {
        const local = await startLocalMode({
            projectDir: PROJECT_DIR,
            ...TRANSPILED,
            s3Dir: path.join(dir, "s3"),
            program: () => {
                const api = new SecuredRestApi("api", { openApiSpec: PETSTORE_OPENAPI, ...args });
                return {
                    invokeUrl: api.invokeUrl,
                    domainUrl: api.domainUrl,
                    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
                    region: api.region,
                    accessKeyId: api.accessKeyId,
                    secretAccessKey: api.secretAccessKey,
                    operations: api.operations,
                };
            },
        });
        running.push(local);
        const file = path.join(dir, `outputs-${running.length}.json`);
        return {
            ...outputsAsJson(local.outputs),
            ...localEndpoints(local, certificateAuthorityFile(file)),
        } as SmokeOutputs & Record<string, unknown>;
    }

    before(async () => {
        const clientCa = await CertificateAuthority.create("test client CA");
        client = await clientCa.issue({ commonName: "client", use: "client" });
        fs.mkdirSync(path.join(dir, "s3", "trust"), { recursive: true });
        fs.writeFileSync(path.join(dir, "s3", "trust", "ca.pem"), clientCa.certificatePem);
    });
    after(async () => {
        for (const local of running) await local.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("with mutual TLS: every operation through the domain, the default endpoint refusing, the domain refusing a client without its certificate", async () => {
        const outputs = await serve({
            domain: {
                domainName: "api.example.com",
                certificateArn: CERTIFICATE,
                basePath: "v1",
                mutualTls: { truststoreUri: "s3://trust/ca.pem" },
            },
        });
        const operations = operationsFromOutputs(outputs)!;
        const rows = await runSmokeTest(outputs, {
            operations,
            clientCertificate: { cert: client.certificatePem, key: client.privateKeyPem },
        });
        for (const row of rows) expect(row.pass, `${row.operation} ${row.check}: ${row.seen}`).to.equal(true);
        for (const o of operations) {
            const checks = rows.filter((r) => r.operation === `${o.verb} ${o.path}`).map((r) => r.check);
            expect(checks).to.include.members([
                "default endpoint (disabled), signed",
                "no client certificate, signed",
                `signed ${o.verb}`,
            ]);
        }
        expect(rows.find((r) => r.check === "default endpoint (disabled), signed")!.seen).to.equal(
            "403 ForbiddenException",
        );
        expect(allPassed(rows)).to.equal(true);
    });

    it("fails, naming each operation left open, when the outputs say the default endpoint is off and it answers", async () => {
        const outputs = await serve({ domain: { domainName: "api.example.com", certificateArn: CERTIFICATE } });
        expect(outputs.disableExecuteApiEndpoint).to.equal(false);
        const rows = await runSmokeTest(
            { ...outputs, disableExecuteApiEndpoint: true },
            { operations: operationsFromOutputs(outputs)! },
        );
        const open = rows.filter((r) => r.check === "default endpoint (disabled), signed");
        expect(open).to.have.length(4);
        for (const row of open) expect(row.result, row.seen).to.equal("FAIL");
        expect(allPassed(rows)).to.equal(false);
        expect(formatTable(rows)).to.include(
            "Left open (a bad request was not refused): GET /, GET /pets, POST /pets, GET /pets/{petId}",
        );
        // Asked for, the default endpoint is proved instead of the domain: no domain rows.
        const direct = await runSmokeTest(outputs, {
            operations: operationsFromOutputs(outputs)!,
            endpoint: "default",
        });
        expect(direct.some((r) => r.check.startsWith("default endpoint"))).to.equal(false);
        expect(allPassed(direct)).to.equal(true);
    });
});
