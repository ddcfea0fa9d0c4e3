import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { createSignedFetch } from "../../clients";
import { chooseEndpoint, LOCAL_ENDPOINTS_KEY } from "../../clients/endpoint";
import { SecuredRestApi } from "../../components";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import { CertificateAuthority, IssuedCertificate } from "../../local-aws/gateway/tls";
import { certificateAuthorityFile, localEndpoints } from "../../local-aws/tryIt";
import { runTool } from "../helpers/cli";
import { TRANSPILED } from "../helpers/localAws";
import { PETSTORE_OPENAPI, PROJECT_DIR } from "../helpers/specs";

const DOMAIN_URL = "https://api.example.com/v1";
const INVOKE_URL = "https://abc123defg.execute-api.us-west-2.amazonaws.com/test";

describe("clients choose the custom domain when the outputs hold one, the default endpoint when asked", () => {
    it("the domain by default, the invoke URL without one or when asked; each refused when the outputs lack it", () => {
        expect(chooseEndpoint({ invokeUrl: INVOKE_URL, domainUrl: DOMAIN_URL })).to.deep.equal({
            baseUrl: DOMAIN_URL,
            domain: true,
        });
        expect(chooseEndpoint({ invokeUrl: INVOKE_URL })).to.deep.equal({ baseUrl: INVOKE_URL, domain: false });
        expect(chooseEndpoint({ invokeUrl: INVOKE_URL, domainUrl: DOMAIN_URL }, "default").baseUrl).to.equal(
            INVOKE_URL,
        );
        expect(() => chooseEndpoint({ invokeUrl: INVOKE_URL }, "domain")).to.throw(
            "The outputs hold no domainUrl: the API has no custom domain, or the program does not export it",
        );
        expect(() =>
            chooseEndpoint(
                { invokeUrl: INVOKE_URL, domainUrl: DOMAIN_URL, disableExecuteApiEndpoint: true },
                "default",
            ),
        ).to.throw(
            `The default endpoint ${INVOKE_URL} is disabled (disableExecuteApiEndpoint): call the custom domain ${DOMAIN_URL} instead.`,
        );
    });

    it("local mode's outputs say where the domain listens and which CA issued its certificate", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ca-"));
        try {
            const caFile = path.join(dir, "ca.pem");
            fs.writeFileSync(caFile, "-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----\n");
            const local = { caFile, domains: { "api.example.com": "127.0.0.1:9230" } };
            expect(
                chooseEndpoint({ invokeUrl: INVOKE_URL, domainUrl: DOMAIN_URL, [LOCAL_ENDPOINTS_KEY]: local }),
            ).to.deep.equal({
                baseUrl: DOMAIN_URL,
                domain: true,
                connectTo: { host: "127.0.0.1", port: 9230 },
                ca: fs.readFileSync(caFile, "utf8"),
            });
            expect(() =>
                chooseEndpoint({ invokeUrl: INVOKE_URL, domainUrl: DOMAIN_URL, [LOCAL_ENDPOINTS_KEY]: { caFile } }),
            ).to.throw(`The outputs' ${LOCAL_ENDPOINTS_KEY} is not { caFile, domains`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names the CA file after the outputs file, so two programs' CAs never overwrite each other", () => {
        expect(certificateAuthorityFile("/s/.local/outputs-examples-domain-index-test.json")).to.equal(
            "/s/.local/ca-examples-domain-index-test.pem",
        );
        expect(certificateAuthorityFile("/s/outputs.json")).to.equal("/s/outputs-ca.pem");
    });
});

describe("createSignedFetch, npm run call and npm run postman through a custom domain with mutual TLS", function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "domain-clients-"));
    let local: LocalMode;
    let outputs: Record<string, unknown>;
    let client: IssuedCertificate;
    const outputsFile = path.join(dir, "outputs-domain-test.json");
    const clientFiles = { cert: path.join(dir, "client.pem"), key: path.join(dir, "client.key") };

    before(async () => {
        const clientCa = await CertificateAuthority.create("test client CA");
        client = await clientCa.issue({ commonName: "client", use: "client" });
        fs.writeFileSync(clientFiles.cert, client.certificatePem);
        fs.writeFileSync(clientFiles.key, client.privateKeyPem, { mode: 0o600 });
        fs.mkdirSync(path.join(dir, "s3", "trust"), { recursive: true });
        fs.writeFileSync(path.join(dir, "s3", "trust", "ca.pem"), clientCa.certificatePem);
        local = await startLocalMode({
            projectDir: PROJECT_DIR,
            ...TRANSPILED,
            s3Dir: path.join(dir, "s3"),
            program: () => {
                const api = new SecuredRestApi("api", {
                    openApiSpec: PETSTORE_OPENAPI,
                    domain: {
                        domainName: "api.example.com",
                        certificateArn:
                            "arn:aws:acm:us-west-2:123456789012:certificate/0e8c1a47-5b2d-4f4e-9a53-7d1e2f6a9b10",
                        basePath: "v1",
                        mutualTls: { truststoreUri: "s3://trust/ca.pem" },
                    },
                });
                return {
                    invokeUrl: api.invokeUrl,
                    domainUrl: api.domainUrl,
                    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
                    region: api.region,
                    accessKeyId: api.accessKeyId,
                    secretAccessKey: api.secretAccessKey,
                };
            },
        });
        // What npm start writes: the outputs, and where local mode serves the domain.
        outputs = { ...outputsAsJson(local.outputs), ...localEndpoints(local, certificateAuthorityFile(outputsFile)) };
        fs.writeFileSync(outputsFile, JSON.stringify(outputs), { mode: 0o600 });
    });
    after(async () => {
        await local?.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });
    const credentials = () => outputs as unknown as Parameters<typeof createSignedFetch>[0];

    it("createSignedFetch calls and signs the domain and its base path, with the client certificate", async () => {
        const api = createSignedFetch(credentials(), {
            clientCertificate: { cert: client.certificatePem, key: client.privateKeyPem },
        });
        const pets = await api("/pets");
        expect(pets.status).to.equal(200);
        expect(await pets.json()).to.have.length(3);
        const added = await api("/pets", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: '{"type":"cat","price":9}',
        });
        expect(added.status).to.equal(201);
        expect((await createSignedFetch(credentials())("/pets")).status, "without the client certificate").to.equal(
            403,
        );
        expect(() => createSignedFetch(credentials(), { endpoint: "default" })).to.throw(
            "is disabled (disableExecuteApiEndpoint)",
        );
        await expectRejected(
            api("https://api.example.com/v2/pets"),
            "is not under the custom domain's URL https://api.example.com/v1",
        );
    });

    it("npm run call takes --cert and --key (curl's names), and refuses --endpoint default when it is disabled", async () => {
        const called = await runTool("clients/cli/call.ts", [
            "GET",
            "/pets/2",
            "--outputs",
            outputsFile,
            "--cert",
            clientFiles.cert,
            "--key",
            clientFiles.key,
        ]);
        expect(called.code, called.stderr).to.equal(0);
        expect(JSON.parse(called.stdout)).to.deep.equal({ id: 2, type: "cat", price: 124.99 });
        const refused = await runTool("clients/cli/call.ts", ["GET", "/pets", "--outputs", outputsFile]);
        expect(refused.code).to.equal(1);
        expect(refused.stdout).to.equal('{"message":"Forbidden"}');
        const disabled = await runTool("clients/cli/call.ts", [
            "GET",
            "/pets",
            "--outputs",
            outputsFile,
            "--endpoint",
            "default",
        ]);
        expect(disabled.code).to.equal(2);
        expect(disabled.stderr).to.include(
            "is disabled (disableExecuteApiEndpoint): call the custom domain https://api.example.com/v1 instead.",
        );
        const half = await runTool("clients/cli/call.ts", [
            "GET",
            "/pets",
            "--outputs",
            outputsFile,
            "--cert",
            clientFiles.cert,
        ]);
        expect(half.code).to.equal(2);
        expect(half.stderr).to.include("--cert and --key go together");
    });

    it("npm run postman: baseUrl is the domain (on local mode's port), with how to add the certificates", async () => {
        const out = path.join(dir, "env.json");
        const written = await runTool("clients/cli/postman.ts", ["--outputs", outputsFile, "--out", out]);
        expect(written.code, written.stderr).to.equal(0);
        const port = local.domains.get("api.example.com")!.split(":")[1];
        const environment = JSON.parse(fs.readFileSync(out, "utf8")) as { values: { key: string; value: string }[] };
        expect(environment.values.find((v) => v.key === "baseUrl")!.value).to.equal(
            `https://api.example.com:${port}/v1`,
        );
        expect(written.stdout).to.include("Settings → Certificates → Client certificates");
        expect(written.stdout).to.include(`map api.example.com to 127.0.0.1 in your hosts file`);
    });
});

async function expectRejected(promise: Promise<unknown>, words: string): Promise<void> {
    const error = await promise.then(
        () => undefined,
        (e: Error) => e,
    );
    expect(error).to.be.instanceOf(Error);
    expect(error!.message).to.include(words);
}
