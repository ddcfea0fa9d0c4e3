import { execFile } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { expect } from "chai";
import { SecuredRestApi, SecuredRestApiArgs } from "../../../components";
import { outputsAsJson } from "../../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../../local-aws/localMode";
import { RequestLogEntry } from "../../../local-aws/gateway/server";
import { CertificateAuthority, IssuedCertificate, selfSignedCertificate } from "../../../local-aws/gateway/tls";
import { RawAnswer, sendRequest, TlsOptions } from "../../../clients/transport";
import { signedHeaders } from "../../helpers/rawHttp";
import { TRANSPILED } from "../../helpers/localAws";
import { PETSTORE_OPENAPI, PROJECT_DIR } from "../../helpers/specs";

const run = promisify(execFile);
const DOMAIN = "api.example.com";
const CERTIFICATE = "arn:aws:acm:us-west-2:123456789012:certificate/0e8c1a47-5b2d-4f4e-9a53-7d1e2f6a9b10";
const TRUSTSTORE = "s3://my-truststore-bucket/truststore.pem";
const PETS = [
    { id: 1, type: "dog", price: 249.99 },
    { id: 2, type: "cat", price: 124.99 },
    { id: 3, type: "fish", price: 0.99 },
];

interface Served {
    readonly local: LocalMode;
    readonly outputs: Record<string, string> & { invokeUrl: string; accessKeyId: string; secretAccessKey: string };
    readonly log: RequestLogEntry[];
    /** Where local mode serves the domain, and its CA: what a client needs to reach it. */
    readonly reach: TlsOptions;
}

/** The pet store behind api.example.com/v1 on local mode, the truststore read from a temporary S3 folder. */
async function serve(domain: SecuredRestApiArgs["domain"], s3Dir?: string): Promise<Served> {
    const log: RequestLogEntry[] = [];
    const local = await startLocalMode({
        projectDir: PROJECT_DIR,
        ...TRANSPILED,
        s3Dir,
        log: (entry) => log.push(entry),
        program: () => {
            const api = new SecuredRestApi("api", { openApiSpec: PETSTORE_OPENAPI, domain });
            return {
                invokeUrl: api.invokeUrl,
                domainUrl: api.domainUrl,
                accessKeyId: api.accessKeyId,
                secretAccessKey: api.secretAccessKey,
            };
        },
    });
    const [host, port] = local.domains.get(DOMAIN)!.split(":");
    return {
        local,
        outputs: outputsAsJson(local.outputs) as Served["outputs"],
        log,
        reach: { connectTo: { host, port: Number(port) }, ca: local.certificateAuthorityPem },
    };
}

/** A GET signed for `signedFor` (host and path), sent to `url` with the Host and path the URL has. */
function get(served: Served, url: string, tls: TlsOptions, signedFor = url): Promise<RawAnswer> {
    const signing = new URL(signedFor);
    const sent = new URL(url);
    const headers = Object.fromEntries(
        signedHeaders(signing.host, "us-west-2", served.outputs, { method: "GET", target: signing.pathname }),
    );
    return sendRequest(sent, { method: "GET", headers: { ...headers, Host: sent.host } }, tls);
}

const forbidden = (answer: RawAnswer) => ({
    status: answer.status,
    type: answer.headers["x-amzn-errortype"],
    body: answer.body.toString(),
});
const FORBIDDEN = { status: 403, type: "ForbiddenException", body: '{"message":"Forbidden"}' };

describe("local mode serves a custom domain over TLS, by Host and base path, with mutual TLS as API Gateway checks it", function () {
    this.timeout(60_000);
    const s3 = fs.mkdtempSync(path.join(os.tmpdir(), "s3-"));
    const files = fs.mkdtempSync(path.join(os.tmpdir(), "mtls-"));
    let clientCa: CertificateAuthority;
    let trusted: IssuedCertificate;
    let served: Served;

    before(async () => {
        // Every certificate and key is made now, for this run only.
        clientCa = await CertificateAuthority.create("test client CA");
        trusted = await clientCa.issue({ commonName: "trusted client", use: "client" });
        fs.mkdirSync(path.join(s3, "my-truststore-bucket"));
        fs.writeFileSync(path.join(s3, "my-truststore-bucket", "truststore.pem"), clientCa.certificatePem);
        served = await serve(
            {
                domainName: DOMAIN,
                certificateArn: CERTIFICATE,
                basePath: "v1",
                mutualTls: { truststoreUri: TRUSTSTORE },
            },
            s3,
        );
    });
    after(async () => {
        await served?.local.close();
        fs.rmSync(s3, { recursive: true, force: true });
        fs.rmSync(files, { recursive: true, force: true });
    });
    const withCertificate = (certificate: IssuedCertificate): TlsOptions => ({
        ...served.reach,
        clientCertificate: { cert: certificate.certificatePem, key: certificate.privateKeyPem },
    });
    const lastReason = () => served.log.at(-1)!.reason;

    it("a trusted client certificate and a signature for the domain's host and base path get the pets", async () => {
        const answer = await get(served, `https://${DOMAIN}/v1/pets`, withCertificate(trusted));
        expect(answer.status, answer.body.toString()).to.equal(200);
        expect(JSON.parse(answer.body.toString())).to.deep.equal(PETS);
        expect(served.log.at(-1)!.path).to.equal("/v1/pets");
    });

    it("without a client certificate: 403 Forbidden", async () => {
        expect(forbidden(await get(served, `https://${DOMAIN}/v1/pets`, served.reach))).to.deep.equal(FORBIDDEN);
        expect(lastReason()).to.equal("mutual TLS: Access denied. Reason: no client certificate presented");
    });

    it("a certificate of a CA the truststore does not hold: 403 Forbidden (could not find its issuer)", async () => {
        const other = await (await CertificateAuthority.create("another CA")).issue({ commonName: "x", use: "client" });
        expect(forbidden(await get(served, `https://${DOMAIN}/v1/pets`, withCertificate(other)))).to.deep.equal(
            FORBIDDEN,
        );
        expect(lastReason()).to.equal("mutual TLS: Access denied. Reason: Could not find issuer for certificate");
    });

    it("an expired certificate of the trusted CA: 403 Forbidden", async () => {
        const expired = await clientCa.issue({
            commonName: "expired client",
            use: "client",
            notBefore: new Date(Date.now() - 3 * 86_400_000),
            notAfter: new Date(Date.now() - 86_400_000),
        });
        expect(forbidden(await get(served, `https://${DOMAIN}/v1/pets`, withCertificate(expired)))).to.deep.equal(
            FORBIDDEN,
        );
        expect(lastReason()).to.equal("mutual TLS: Access denied. Reason: certificate has expired");
    });

    it("a self-signed certificate not in the truststore: 403 Forbidden (self signed certificate)", async () => {
        const selfSigned = await selfSignedCertificate({ commonName: "self-signed client" });
        expect(forbidden(await get(served, `https://${DOMAIN}/v1/pets`, withCertificate(selfSigned)))).to.deep.equal(
            FORBIDDEN,
        );
        expect(lastReason()).to.equal("mutual TLS: Access denied. Reason: self signed certificate");
    });

    it("the same refusal for a trusted certificate whose chain is longer than four", async () => {
        let issuer = clientCa;
        const chain: string[] = [];
        for (let i = 1; i <= 3; i++) {
            const intermediate = await issuer.issue({ commonName: `intermediate ${i}`, use: "ca" });
            chain.unshift(intermediate.certificatePem);
            issuer = await CertificateAuthority.fromIssued(intermediate);
        }
        const leaf = await issuer.issue({ commonName: "deep client", use: "client" });
        const answer = await get(served, `https://${DOMAIN}/v1/pets`, {
            ...served.reach,
            clientCertificate: { cert: [leaf.certificatePem, ...chain].join("\n"), key: leaf.privateKeyPem },
        });
        expect(forbidden(answer)).to.deep.equal(FORBIDDEN);
        expect(lastReason()).to.equal("mutual TLS: Access denied. Reason: certificate chain longer than 4");
    });

    it("a path no base path mapping covers, and a Host that is not the domain: 403 Forbidden", async () => {
        expect(forbidden(await get(served, `https://${DOMAIN}/v2/pets`, withCertificate(trusted)))).to.deep.equal(
            FORBIDDEN,
        );
        expect(lastReason()).to.equal("no base path mapping of this custom domain covers the path");
        // TLS to api.example.com, whose certificate is fine, but a Host (signed) of another name.
        const headers = Object.fromEntries(
            signedHeaders("www.example.com", "us-west-2", served.outputs, { method: "GET", target: "/v1/pets" }),
        );
        const answer = await sendRequest(
            new URL(`https://${DOMAIN}/v1/pets`),
            { method: "GET", headers },
            withCertificate(trusted),
        );
        expect(forbidden(answer)).to.deep.equal(FORBIDDEN);
        expect(lastReason()).to.equal("the Host header names no custom domain served here");
    });

    it("the domain's certificate names the domain only: a client calling another name through it refuses it", async () => {
        const elsewhere = await get(served, `https://www.example.com/v1/pets`, withCertificate(trusted)).catch(
            (e: Error) => e,
        );
        expect(elsewhere).to.be.instanceOf(Error);
        expect((elsewhere as NodeJS.ErrnoException).code).to.equal("ERR_TLS_CERT_ALTNAME_INVALID");
    });

    it("a certificate of the trusted CA signed with SHA-1: 403 Forbidden (insecure signature algorithm)", async () => {
        const weak = await clientCa.issue({ commonName: "sha-1 client", use: "client", signatureHash: "SHA-1" });
        const { host, port } = served.reach.connectTo!;
        // Node refuses to present a SHA-1 certificate at its default security level; this client lowers it.
        const status = await new Promise<number>((resolve, reject) =>
            https
                .get(
                    {
                        host,
                        port,
                        servername: DOMAIN,
                        path: "/v1/pets",
                        headers: { Host: DOMAIN },
                        ca: served.reach.ca,
                        cert: weak.certificatePem,
                        key: weak.privateKeyPem,
                        ciphers: "DEFAULT:@SECLEVEL=0",
                    },
                    (response) => resolve(response.resume().statusCode ?? 0),
                )
                .on("error", reject),
        );
        expect(status).to.equal(403);
        expect(lastReason()).to.equal(
            "mutual TLS: Access denied. Reason: Client cert using an insecure Signature Algorithm",
        );
    });

    it("the domain's certificate chains to local mode's CA only: a client that does not trust that CA refuses it", async () => {
        const refused = await get(served, `https://${DOMAIN}/v1/pets`, {
            connectTo: served.reach.connectTo,
            clientCertificate: withCertificate(trusted).clientCertificate,
        }).catch((e: Error) => e);
        expect(refused).to.be.instanceOf(Error);
        expect((refused as NodeJS.ErrnoException).code).to.match(/SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
    });

    it("with mutual TLS the default endpoint answers 403 Forbidden, however well signed", async () => {
        const answer = await get(served, `${served.outputs.invokeUrl}/pets`, {});
        expect(forbidden(answer)).to.deep.equal(FORBIDDEN);
    });

    it("curl, a second client: --cacert, --cert, --key, --connect-to and --aws-sigv4 get the pets; without --cert, 403", async () => {
        const ca = path.join(files, "ca.pem");
        const cert = path.join(files, "client.pem");
        const key = path.join(files, "client.key");
        fs.writeFileSync(ca, served.local.certificateAuthorityPem!);
        fs.writeFileSync(cert, trusted.certificatePem);
        fs.writeFileSync(key, trusted.privateKeyPem, { mode: 0o600 });
        const { host, port } = served.reach.connectTo!;
        const curl = (...client: string[]) =>
            run("curl", [
                "-s",
                "--cacert",
                ca,
                ...client,
                "--connect-to",
                `${DOMAIN}:443:${host}:${port}`,
                "--aws-sigv4",
                "aws:amz:us-west-2:execute-api",
                "--user",
                `${served.outputs.accessKeyId}:${served.outputs.secretAccessKey}`,
                `https://${DOMAIN}/v1/pets`,
            ]);
        expect(JSON.parse((await curl("--cert", cert, "--key", key)).stdout)).to.deep.equal(PETS);
        expect((await curl()).stdout).to.equal('{"message":"Forbidden"}');
    });
});

describe("a signature covers the host and path the client sends: one for the default endpoint is refused on the domain, and the other way round", function () {
    this.timeout(60_000);
    let served: Served;
    before(async () => {
        served = await serve({ domainName: DOMAIN, certificateArn: CERTIFICATE, basePath: "v1" });
    });
    after(() => served?.local.close());

    it("both endpoints answer a request signed for themselves (no mutual TLS, the default endpoint on)", async () => {
        expect((await get(served, `https://${DOMAIN}/v1/pets`, served.reach)).status).to.equal(200);
        expect((await get(served, `${served.outputs.invokeUrl}/pets`, {})).status).to.equal(200);
    });

    it("signed for the default endpoint, sent to the domain: 403 InvalidSignatureException", async () => {
        const answer = await get(served, `https://${DOMAIN}/v1/pets`, served.reach, `${served.outputs.invokeUrl}/pets`);
        expect(answer.status).to.equal(403);
        expect(answer.headers["x-amzn-errortype"]).to.equal("InvalidSignatureException");
        expect(answer.body.toString()).to.include("host:api.example.com");
    });

    it("signed for the domain, sent to the default endpoint: 403 InvalidSignatureException", async () => {
        const answer = await get(served, `${served.outputs.invokeUrl}/pets`, {}, `https://${DOMAIN}/v1/pets`);
        expect(answer.status).to.equal(403);
        expect(answer.headers["x-amzn-errortype"]).to.equal("InvalidSignatureException");
        expect(answer.body.toString()).to.include("/test/pets");
    });

    it("signed for the domain and sent on the default endpoint's listener with the domain's Host: no API there (403 Forbidden)", async () => {
        const url = new URL(`${served.outputs.invokeUrl}/pets`);
        const headers = Object.fromEntries(
            signedHeaders(DOMAIN, "us-west-2", served.outputs, { method: "GET", target: "/v1/pets" }),
        );
        const answer = await sendRequest(new URL(`http://${url.host}/v1/pets`), { method: "GET", headers }, {});
        expect(forbidden(answer)).to.deep.equal(FORBIDDEN);
    });
});
