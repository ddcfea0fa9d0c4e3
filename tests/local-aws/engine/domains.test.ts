import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { LocalAwsAccount } from "../../../local-aws/engine/account";
import { CertificateAuthority } from "../../../local-aws/gateway/tls";

const REGION = "us-west-2";
const CERTIFICATE_WEST = "arn:aws:acm:us-west-2:123456789012:certificate/0e8c1a47-5b2d-4f4e-9a53-7d1e2f6a9b10";
const ZONE = "Z0123456789ABCDEFGHIJ";
const T = {
    certificate: "aws:acm/certificate:Certificate",
    validation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    domainName: "aws:apigateway/domainName:DomainName",
    mapping: "aws:apigateway/basePathMapping:BasePathMapping",
    webAcl: "aws:wafv2/webAclAssociation:WebAclAssociation",
};

/** An account with one deployed REST API and stage `test`, as the component leaves it before its domain. */
async function accountWithStage(): Promise<{ account: LocalAwsAccount; restApiId: string; stageArn: string }> {
    const account = new LocalAwsAccount(REGION);
    const body = JSON.stringify({
        openapi: "3.0.3",
        info: { title: "t", version: "1" },
        paths: { "/": { get: { "x-amazon-apigateway-integration": { type: "mock" }, responses: {} } } },
    });
    const api = await account.provision("aws:apigateway/restApi:RestApi", "api", { body });
    const deployment = await account.provision("aws:apigateway/deployment:Deployment", "api", { restApi: api.id });
    const stage = await account.provision("aws:apigateway/stage:Stage", "api", {
        restApi: api.id,
        deployment: deployment.id,
        stageName: "test",
    });
    return { account, restApiId: api.id, stageArn: String(stage.state.arn) };
}

const regional = (arn: string, extra: Record<string, unknown> = {}) => ({
    domainName: "api.example.com",
    endpointConfiguration: { types: "REGIONAL" },
    regionalCertificateArn: arn,
    securityPolicy: "TLS_1_2",
    ...extra,
});

describe("local mode's custom domains, certificates, DNS records and web ACL associations refuse what AWS refuses", () => {
    it("a domain's certificate: missing, of the wrong region (EDGE: us-east-1) or account, as API Gateway words it", async () => {
        const { account } = await accountWithStage();
        const refusal = (inputs: Record<string, unknown>) => account.provision(T.domainName, "d", inputs);
        await expectRefusal(
            refusal({ domainName: "api.example.com", endpointConfiguration: { types: "EDGE" } }),
            "BadRequestException: A certificate was not provided for the endpoint type EDGE.",
        );
        await expectRefusal(
            refusal({
                domainName: "api.example.com",
                endpointConfiguration: { types: "EDGE" },
                certificateArn: CERTIFICATE_WEST,
            }),
            `BadRequestException: Invalid certificate ARN: ${CERTIFICATE_WEST}. Certificate must be in 'us-east-1'.`,
        );
        const east = CERTIFICATE_WEST.replace("us-west-2", "eu-west-1");
        await expectRefusal(
            refusal(regional(east)),
            `Invalid certificate ARN: ${east}. Certificate must be in 'us-west-2'.`,
        );
        await expectRefusal(
            refusal(regional(CERTIFICATE_WEST.replace("123456789012", "111122223333"))),
            "BadRequestException: The certificate provided must be owned by the account creating the domain.",
        );
        expect(account.domainNames.size).to.equal(0);
        await account.provision(T.domainName, "d", {
            domainName: "api.example.com",
            endpointConfiguration: { types: "EDGE" },
            certificateArn: CERTIFICATE_WEST.replace("us-west-2", "us-east-1"),
        });
        expect([...account.notices].filter((n) => n.startsWith("EDGE domain"))).to.deep.equal([
            "EDGE domain api.example.com: local mode serves it itself; the CloudFront distribution API Gateway puts in front of it exists only on AWS.",
        ]);
    });

    it("a certificate made outside the program is said once, plainly, not checked", async () => {
        const { account } = await accountWithStage();
        await account.provision(T.domainName, "d", regional(CERTIFICATE_WEST));
        await expectRefusal(
            account.provision(T.domainName, "d2", regional(CERTIFICATE_WEST)),
            "ConflictException: The domain name you provided already exists.",
        );
        expect([...account.notices]).to.deep.equal([
            `Certificate ${CERTIFICATE_WEST} was not made by the program: local mode serves api.example.com with a certificate of its own CA, and only AWS checks that this one exists, is issued and covers api.example.com.`,
        ]);
    });

    it("a certificate the program requested: issued only once its DNS validation record exists; it must cover the name", async () => {
        const { account } = await accountWithStage();
        const certificate = await account.provision(T.certificate, "c", {
            domainName: "api.example.com",
            validationMethod: "DNS",
        });
        const arn = certificate.id;
        const [option] = certificate.state.domainValidationOptions as {
            resourceRecordName: string;
            resourceRecordValue: string;
        }[];
        await expectRefusal(
            account.provision(T.domainName, "d", regional(arn)),
            `Certificate ${arn} is not issued yet (status PENDING_VALIDATION)`,
        );
        await expectRefusal(
            account.provision(T.validation, "v", { certificateArn: arn }),
            `waiting for ACM Certificate (${arn}) to be issued: timeout while waiting for state to become 'ISSUED'`,
        );
        await expectRefusal(
            account.provision(T.validation, "v", { certificateArn: arn, validationRecordFqdns: ["other.example.com"] }),
            "missing api.example.com DNS validation record",
        );
        await account.provision(T.record, "r", {
            zoneId: ZONE,
            name: option.resourceRecordName,
            type: "CNAME",
            records: [option.resourceRecordValue],
            ttl: 60,
        });
        await account.provision(T.validation, "v", { certificateArn: arn });
        expect(account.certificates.get(arn)!.status).to.equal("ISSUED");
        await expectRefusal(
            account.provision(T.domainName, "d", regional(arn, { domainName: "www.example.com" })),
            `The certificate ${arn} (for api.example.com) does not cover the domain name www.example.com.`,
        );
        const domain = await account.provision(T.domainName, "d", regional(arn));
        expect(domain.state.regionalZoneId).to.equal("Z2OJLYMUO9EFXC");
        await expectRefusal(
            account.provision(T.certificate, "e", { domainName: "api.example.com", validationMethod: "EMAIL" }),
            'local mode issues certificates validated by DNS only (validationMethod "DNS")',
        );
    });

    it("Route 53: a zone id it would not know, a record that exists, an alias whose zone is not its target's", async () => {
        const { account } = await accountWithStage();
        const domain = await account.provision(T.domainName, "d", regional(CERTIFICATE_WEST));
        const record = { zoneId: ZONE, name: "api.example.com", type: "A" };
        const alias = (zoneId: unknown) => [
            { name: domain.state.regionalDomainName, zoneId, evaluateTargetHealth: false },
        ];
        await expectRefusal(
            account.provision(T.record, "r", { ...record, zoneId: "example.com", records: ["192.0.2.1"] }),
            "NoSuchHostedZone: No hosted zone found with ID: example.com",
        );
        await expectRefusal(
            account.provision(T.record, "r", { ...record, aliases: alias("Z2FDTNDATAQYW2") }),
            "but the alias target name does not lie within the target zone",
        );
        await account.provision(T.record, "r", { ...record, aliases: alias(domain.state.regionalZoneId) });
        await expectRefusal(
            account.provision(T.record, "r2", { ...record, records: ["192.0.2.1"] }),
            "InvalidChangeBatch: [Tried to create resource record set [name='api.example.com.', type='A'] but it already exists]",
        );
        await account.provision(T.record, "r2", { ...record, records: ["192.0.2.1"], allowOverwrite: true });
        expect(account.dnsRecords).to.have.length(1);
    });

    it("base path mappings: an existing domain, API and stage, one mapping per base path", async () => {
        const { account, restApiId } = await accountWithStage();
        await account.provision(T.domainName, "d", regional(CERTIFICATE_WEST));
        const mapping = (extra: Record<string, unknown>) =>
            account.provision(T.mapping, "m", {
                domainName: "api.example.com",
                restApi: restApiId,
                stageName: "test",
                ...extra,
            });
        await expectRefusal(
            mapping({ domainName: "other.example.com" }),
            "NotFoundException: Invalid domain name identifier specified",
        );
        await expectRefusal(mapping({ stageName: "prod" }), "BadRequestException: Invalid stage identifier specified");
        await mapping({ basePath: "v1" });
        await expectRefusal(
            mapping({ basePath: "v1" }),
            "ConflictException: Base path already exists for this domain name",
        );
        await mapping({});
        expect(account.basePathMappings.get("api.example.com")!.map((m) => m.basePath)).to.deep.equal(["v1", ""]);
    });

    it("mutual TLS: a REGIONAL domain on TLS 1.2 whose truststore, a local file for the S3 object, holds a certificate", async () => {
        const { account } = await accountWithStage();
        const s3 = fs.mkdtempSync(path.join(os.tmpdir(), "s3-"));
        try {
            account.s3Dir = s3;
            const mtls = (truststoreUri: string, truststoreVersion?: string) =>
                regional(CERTIFICATE_WEST, { mutualTlsAuthentication: { truststoreUri, truststoreVersion } });
            await expectRefusal(
                account.provision(T.domainName, "d", {
                    ...mtls("s3://bucket/ca.pem"),
                    endpointConfiguration: { types: "EDGE" },
                    certificateArn: CERTIFICATE_WEST.replace("us-west-2", "us-east-1"),
                }),
                "Mutual TLS is only supported for REGIONAL custom domain names.",
            );
            await expectRefusal(
                account.provision(T.domainName, "d", { ...mtls("s3://bucket/ca.pem"), securityPolicy: "TLS_1_0" }),
                "Mutual TLS requires the TLS_1_2 security policy.",
            );
            await expectRefusal(
                account.provision(T.domainName, "d", mtls("s3://bucket/../ca.pem")),
                "Invalid truststore URI: s3://bucket/../ca.pem",
            );
            await expectRefusal(
                account.provision(T.domainName, "d", mtls("s3://bucket/ca.pem")),
                `the object does not exist (local mode reads it from ${path.join(s3, "bucket", "ca.pem")})`,
            );
            fs.mkdirSync(path.join(s3, "bucket", "ca.pem.versions"), { recursive: true });
            fs.writeFileSync(path.join(s3, "bucket", "ca.pem"), "not a certificate");
            await expectRefusal(
                account.provision(T.domainName, "d", mtls("s3://bucket/ca.pem")),
                "holds no X.509 certificate in PEM",
            );
            const ca = await CertificateAuthority.create("test client CA");
            fs.writeFileSync(path.join(s3, "bucket", "ca.pem.versions", "v2"), ca.certificatePem);
            await account.provision(T.domainName, "d", mtls("s3://bucket/ca.pem", "v2"));
            const domain = account.domainNames.get("api.example.com")!;
            expect(domain.mutualTls!.certificates).to.deep.equal([ca.certificatePem.trim()]);
            expect(domain.mutualTls!.file).to.equal(path.join(s3, "bucket", "ca.pem.versions", "v2"));
        } finally {
            fs.rmSync(s3, { recursive: true, force: true });
        }
    });

    it("a web ACL association: a REGIONAL web ACL of the stage's account and region, said once not to apply its rules", async () => {
        const { account, stageArn } = await accountWithStage();
        const acl = "arn:aws:wafv2:us-west-2:123456789012:regional/webacl/api/a1b2c3d4-5678-90ab-cdef-111111111111";
        const associate = (webAclArn: string, resourceArn = stageArn) =>
            account.provision(T.webAcl, "w", { webAclArn, resourceArn });
        await expectRefusal(
            associate(acl.replace("us-west-2:123456789012:regional", "us-east-1:123456789012:global")),
            "WAFNonexistentItemException",
        );
        await expectRefusal(associate(acl.replace("us-west-2", "eu-west-1")), "WAFNonexistentItemException");
        await expectRefusal(
            associate(acl, stageArn.replace("/stages/test", "/stages/prod")),
            "WAFNonexistentItemException",
        );
        await associate(acl);
        const notices = [...account.notices].filter((n) => n.includes("Web ACL"));
        expect(notices).to.deep.equal([
            `Web ACL ${acl} on stage test of ${stageArn.split("/")[2]}: its rules are evaluated only by AWS WAF, on AWS; local mode lets every request through to IAM.`,
        ]);
    });
});

async function expectRefusal(provisioned: Promise<unknown>, words: string): Promise<void> {
    const error = await provisioned.then(
        () => undefined,
        (e: Error) => e,
    );
    expect(error, `refused with "${words}"`).to.be.instanceOf(Error);
    expect(error!.message).to.include(words);
}
