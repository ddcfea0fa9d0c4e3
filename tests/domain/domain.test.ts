import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { deploymentHash, SecuredRestApi, SecuredRestApiArgs } from "../../components";
import { certificateArnProblems, domainUrlOf, planDomain, truststoreUriProblems } from "../../components/domain/checks";
import { webAclArnProblems } from "../../components/domain/webAcl";
import { allRegistrationsSettled } from "../../local-aws/engine/mocks";
import { runProgramLocally } from "../../local-aws/engine/runProgram";
import { freshLocalAws, valueOf } from "../helpers/localAws";
import { PETSTORE_OPENAPI, PROJECT_DIR } from "../helpers/specs";

const T = {
    domainName: "aws:apigateway/domainName:DomainName",
    mapping: "aws:apigateway/basePathMapping:BasePathMapping",
    certificate: "aws:acm/certificate:Certificate",
    validation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    webAcl: "aws:wafv2/webAclAssociation:WebAclAssociation",
    restApi: "aws:apigateway/restApi:RestApi",
    deployment: "aws:apigateway/deployment:Deployment",
};
const ZONE = "Z0123456789ABCDEFGHIJ";
const REGIONAL_CERTIFICATE = "arn:aws:acm:us-west-2:123456789012:certificate/0e8c1a47-5b2d-4f4e-9a53-7d1e2f6a9b10";
const EDGE_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/5d3b2c1a-7e6f-4a0b-9c8d-1e2f3a4b5c6d";
const REGIONAL_ACL = "arn:aws:wafv2:us-west-2:123456789012:regional/webacl/api/a1b2c3d4-5678-90ab-cdef-111111111111";
const TRUSTSTORE = "s3://my-truststore-bucket/truststore.pem";

/** The component on a fresh local account (preview or up), each child's type and parent recorded. */
async function build(args: Partial<SecuredRestApiArgs>, preview = false) {
    const { account, mocks } = await freshLocalAws(preview);
    const children: { type: string; parent: pulumi.Resource | undefined }[] = [];
    const capture: pulumi.ResourceTransformation = (t) => {
        if (t.type !== SecuredRestApi.typeToken) children.push({ type: t.type, parent: t.opts.parent });
        return undefined;
    };
    const api = new SecuredRestApi("api", { openApiSpec: PETSTORE_OPENAPI, ...args }, { transformations: [capture] });
    await allRegistrationsSettled();
    const of = (type: string) => mocks.registrations.filter((r) => r.type === type).map((r) => r.inputs);
    return { api, account, mocks, children, of };
}

describe("domain: the custom domain's resources, each a child of the component", () => {
    it("a certificate ARN: a REGIONAL domain on TLS 1.2 with that certificate, the stage mapped at the root, no DNS", async () => {
        const { api, children, of } = await build({
            domain: { domainName: "api.example.com", certificateArn: REGIONAL_CERTIFICATE },
        });
        const [domain] = of(T.domainName);
        expect(domain).to.deep.include({
            domainName: "api.example.com",
            endpointConfiguration: { types: "REGIONAL" },
            regionalCertificateArn: REGIONAL_CERTIFICATE,
            securityPolicy: "TLS_1_2",
        });
        expect(domain.certificateArn).to.equal(undefined);
        expect(domain.mutualTlsAuthentication).to.equal(undefined);
        const [mapping] = of(T.mapping);
        expect(mapping).to.deep.include({ domainName: "api.example.com", stageName: "test" });
        expect(mapping.basePath).to.equal(undefined);
        expect(of(T.certificate)).to.deep.equal([]);
        expect(of(T.record)).to.deep.equal([]);
        expect(await valueOf(api.domainUrl!)).to.equal("https://api.example.com");
        expect(await valueOf(api.domainTarget!)).to.match(/^d-[a-z0-9]{10}\.execute-api\.us-west-2\.amazonaws\.com$/);
        expect(await valueOf(api.domainTargetZoneId!)).to.equal("Z2OJLYMUO9EFXC");
        expect(await valueOf(api.disableExecuteApiEndpoint)).to.equal(false);
        const domainChildren = children.filter((c) => c.type === T.domainName || c.type === T.mapping);
        expect(domainChildren).to.have.length(2);
        for (const child of domainChildren) expect(child.parent, child.type).to.equal(api);
    });

    it("a hosted zone: a certificate validated by DNS there, the domain made with the validated ARN, an alias record to its target", async () => {
        const { api, account, children, of } = await build({
            domain: { domainName: "api.example.com", hostedZoneId: ZONE, basePath: "v1" },
        });
        const [certificate] = of(T.certificate);
        expect(certificate).to.deep.include({ domainName: "api.example.com", validationMethod: "DNS" });
        expect(certificate.region).to.equal(undefined);
        const [validationRecord, alias] = of(T.record);
        const issued = [...account.certificates.values()][0];
        expect(validationRecord).to.deep.include({ zoneId: ZONE, type: "CNAME", ttl: 60, allowOverwrite: true });
        expect(validationRecord.name).to.equal(`${issued.validation[0].name}.`);
        expect(of(T.validation)[0].certificateArn).to.equal(issued.arn);
        expect(issued.status).to.equal("ISSUED");
        expect(of(T.domainName)[0].regionalCertificateArn).to.equal(issued.arn);
        const target = await valueOf(api.domainTarget!);
        expect(alias).to.deep.include({ zoneId: ZONE, name: "api.example.com", type: "A" });
        expect(alias.aliases).to.deep.equal([{ name: target, zoneId: "Z2OJLYMUO9EFXC", evaluateTargetHealth: false }]);
        expect(of(T.mapping)[0].basePath).to.equal("v1");
        expect(await valueOf(api.domainUrl!)).to.equal("https://api.example.com/v1");
        expect(api.certificate && api.certificateValidation && api.domainAliasRecord).to.not.equal(undefined);
        for (const child of children.filter((c) => Object.values(T).includes(c.type)))
            expect(child.parent, child.type).to.equal(api);
    });

    it("EDGE: the requested certificate and its validation are made in us-east-1; the domain takes certificateArn, its target is CloudFront's", async () => {
        const { api, of } = await build({
            domain: { domainName: "api.example.com", hostedZoneId: ZONE, endpointType: "EDGE" },
        });
        expect(of(T.certificate)[0].region).to.equal("us-east-1");
        expect(of(T.validation)[0].region).to.equal("us-east-1");
        const [domain] = of(T.domainName);
        expect(domain.endpointConfiguration).to.deep.equal({ types: "EDGE" });
        expect(domain.certificateArn).to.match(/^arn:aws:acm:us-east-1:123456789012:certificate\//);
        expect(domain.regionalCertificateArn).to.equal(undefined);
        expect(await valueOf(api.domainTarget!)).to.match(/\.cloudfront\.net$/);
        expect(await valueOf(api.domainTargetZoneId!)).to.equal("Z2FDTNDATAQYW2");
        expect(of(T.record)[1].aliases).to.deep.equal([
            { name: await valueOf(api.domainTarget!), zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false },
        ]);
    });

    it("mutual TLS: the truststore on the domain, and the default endpoint off, which changes the deployment's trigger", async () => {
        const mutualTls = { truststoreUri: TRUSTSTORE, truststoreVersion: "3" };
        const domain = { domainName: "api.example.com", certificateArn: REGIONAL_CERTIFICATE };
        const { api, of } = await build({ domain: { ...domain, mutualTls } }, true);
        expect(of(T.domainName)[0].mutualTlsAuthentication).to.deep.equal(mutualTls);
        expect(of(T.restApi)[0].disableExecuteApiEndpoint).to.equal(true);
        expect(await valueOf(api.disableExecuteApiEndpoint)).to.equal(true);
        const trigger = async (args: Partial<SecuredRestApiArgs>) =>
            ((await build(args, true)).of(T.deployment)[0].triggers as { redeployment: string }).redeployment;
        const body = of(T.restApi)[0].body as string;
        const disabled = deploymentHash({ body, endpointType: "REGIONAL", disableExecuteApiEndpoint: true });
        expect(await trigger({ domain: { ...domain, mutualTls } })).to.equal(disabled);
        expect(await trigger({ disableExecuteApiEndpoint: true })).to.equal(disabled);
        expect(await trigger({ domain })).to.not.equal(disabled);
    });

    it("webAclArn: a WAFv2 association of that web ACL with the stage", async () => {
        const { api, of, children } = await build({ webAclArn: REGIONAL_ACL });
        expect(children.find((c) => c.type === T.webAcl)!.parent).to.equal(api);
        const [association] = of(T.webAcl);
        expect(association.webAclArn).to.equal(REGIONAL_ACL);
        expect(association.resourceArn).to.equal(await valueOf(api.stage.arn));
        expect(api.webAclAssociation).to.not.equal(undefined);
    });

    it("without domain or webAclArn: none of these resources, and no domain outputs", async () => {
        const { api, of } = await build({}, true);
        for (const type of [T.domainName, T.mapping, T.certificate, T.record, T.webAcl])
            expect(of(type), type).to.deep.equal([]);
        expect(api.domainUrl).to.equal(undefined);
        expect(api.customDomain).to.equal(undefined);
    });
});

describe("domain: the checks that also run once an Output's value is known", () => {
    it("with the stack's aws:region set, a REGIONAL certificate of another region is refused at preview", async () => {
        const refused = await runProgramLocally({
            projectDir: PROJECT_DIR,
            preview: true,
            program: () => {
                const api = new SecuredRestApi("api", {
                    openApiSpec: PETSTORE_OPENAPI,
                    domain: { domainName: "api.example.com", certificateArn: EDGE_CERTIFICATE },
                });
                return { url: api.domainUrl };
            },
        }).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(refused?.message).to.include(
            "domain.certificateArn is in us-east-1, and a REGIONAL domain's certificate must be in the API's region, us-west-2",
        );
    });

    it("an EDGE certificate outside us-east-1, a REGIONAL one outside the API's region, anything but an ACM ARN", () => {
        expect(certificateArnProblems(REGIONAL_CERTIFICATE, "EDGE", "us-west-2")[0]).to.include(
            "an EDGE domain's certificate must be in us-east-1",
        );
        expect(certificateArnProblems(EDGE_CERTIFICATE, "EDGE", "us-west-2")).to.deep.equal([]);
        expect(certificateArnProblems(EDGE_CERTIFICATE, "REGIONAL", "us-west-2")[0]).to.include(
            "a REGIONAL domain's certificate must be in the API's region, us-west-2",
        );
        expect(certificateArnProblems(REGIONAL_CERTIFICATE, "REGIONAL", "us-west-2")).to.deep.equal([]);
        // The region is not known at preview without the stack's config: then only the up checks it.
        expect(certificateArnProblems(EDGE_CERTIFICATE, "REGIONAL", undefined)).to.deep.equal([]);
        expect(
            certificateArnProblems("arn:aws:iam::123456789012:server-certificate/api", "REGIONAL", undefined)[0],
        ).to.include("is not an ACM certificate ARN");
    });

    it("a web ACL of CLOUDFRONT scope, of another region, or of WAF Classic", () => {
        const global = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/api/a1b2c3d4-5678-90ab-cdef-111111111111";
        expect(webAclArnProblems(global, "REGIONAL", undefined)[0]).to.include(
            "a REGIONAL stage takes only a REGIONAL web ACL",
        );
        expect(webAclArnProblems(global, "EDGE", undefined)[0]).to.include(
            "an EDGE API's CloudFront distribution is API Gateway's own, which takes no web ACL",
        );
        expect(webAclArnProblems(REGIONAL_ACL, "REGIONAL", "eu-west-1")[0]).to.include(
            "a REGIONAL web ACL of its own region, eu-west-1",
        );
        expect(webAclArnProblems(REGIONAL_ACL, "EDGE", "us-west-2")).to.deep.equal([]);
        expect(
            webAclArnProblems("arn:aws:waf-regional:us-west-2:123456789012:webacl/a1b2", "REGIONAL", undefined)[0],
        ).to.include("AWS WAF Classic");
    });

    it("a truststore that is not an s3:// URI (an https one is rewritten in the message)", () => {
        expect(truststoreUriProblems(TRUSTSTORE)).to.deep.equal([]);
        expect(
            truststoreUriProblems("https://my-truststore-bucket.s3.us-west-2.amazonaws.com/truststore.pem")[0],
        ).to.include(`write "${TRUSTSTORE}"`);
        expect(truststoreUriProblems("/etc/ssl/truststore.pem")[0]).to.include('must be "s3://<bucket>/<key>"');
    });

    it("the URL clients sign: https, the domain, then the base path (none at the root)", () => {
        expect(domainUrlOf({ domainName: "api.example.com", basePath: "" })).to.equal("https://api.example.com");
        expect(domainUrlOf({ domainName: "api.example.com", basePath: "v1" })).to.equal("https://api.example.com/v1");
        const { plan } = planDomain({ domain: { domainName: "api.example.com", hostedZoneId: ZONE } }, undefined);
        expect(plan).to.deep.include({ endpointType: "REGIONAL", securityPolicy: "TLS_1_2", basePath: "" });
    });
});
