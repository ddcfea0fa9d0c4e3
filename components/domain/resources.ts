import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InvalidSecuredRestApiInput } from "../errors";
import {
    certificateArnProblems,
    DomainPlan,
    domainUrlOf,
    EDGE_CERTIFICATE_REGION,
    truststoreUriProblems,
} from "./checks";
import { webAclArnProblems } from "./webAcl";

/** What the domain's and the web ACL's resources hang off: the component, its stage, and the API's region. */
export interface FrontDoorContext {
    readonly parent: pulumi.Resource;
    readonly name: string;
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
    readonly restApi: aws.apigateway.RestApi;
    readonly stage: aws.apigateway.Stage;
    readonly region: pulumi.Output<string>;
}

/** The custom domain's resources, and what clients and DNS need of it. */
export interface DomainResources {
    readonly domainName: aws.apigateway.DomainName;
    readonly basePathMapping: aws.apigateway.BasePathMapping;
    /** The certificate the component requested (none when `certificateArn` is given). */
    readonly certificate: aws.acm.Certificate | undefined;
    readonly validationRecord: aws.route53.Record | undefined;
    readonly certificateValidation: aws.acm.CertificateValidation | undefined;
    /** The alias record in `hostedZoneId`, if one was given. */
    readonly aliasRecord: aws.route53.Record | undefined;
    /** `https://<domainName>/<basePath>`, once the mapping exists. */
    readonly url: pulumi.Output<string>;
    /** The name DNS points at: the regional domain name, or an EDGE domain's CloudFront distribution. */
    readonly target: pulumi.Output<string>;
    /** The Route 53 hosted zone of {@link target}, for an alias record. */
    readonly targetZoneId: pulumi.Output<string>;
}

/**
 * The custom domain name with its certificate (given, or requested and validated by DNS), a base path
 * mapping to the stage and, with a hosted zone, an alias record: each child of the component.
 */
export function createDomain(context: FrontDoorContext, plan: DomainPlan): DomainResources {
    const { parent, name, tags } = context;
    const edge = plan.endpointType === "EDGE";
    const requested = plan.certificateArn === undefined ? requestCertificate(context, plan) : undefined;
    const certificateArn =
        requested?.validation.certificateArn ??
        checkedWhenKnown(plan.certificateArn!, context, (arn, region) =>
            certificateArnProblems(arn, plan.endpointType, region),
        );
    const mutualTls = plan.mutualTls && {
        truststoreUri: checkedWhenKnown(plan.mutualTls.truststoreUri, context, truststoreUriProblems),
        truststoreVersion: plan.mutualTls.truststoreVersion,
    };
    const domainName = new aws.apigateway.DomainName(
        name,
        {
            domainName: plan.domainName,
            endpointConfiguration: { types: plan.endpointType },
            // EDGE and REGIONAL domains take their certificate in different fields (CreateDomainName).
            ...(edge ? { certificateArn } : { regionalCertificateArn: certificateArn }),
            securityPolicy: plan.securityPolicy,
            mutualTlsAuthentication: mutualTls,
            tags,
        },
        { parent },
    );
    const basePathMapping = new aws.apigateway.BasePathMapping(
        name,
        {
            domainName: domainName.domainName,
            restApi: context.restApi.id,
            stageName: context.stage.stageName,
            basePath: plan.basePath === "" ? undefined : plan.basePath,
        },
        { parent },
    );
    const target = edge ? domainName.cloudfrontDomainName : domainName.regionalDomainName;
    const targetZoneId = edge ? domainName.cloudfrontZoneId : domainName.regionalZoneId;
    const aliasRecord =
        plan.hostedZoneId === undefined
            ? undefined
            : new aws.route53.Record(
                  `${name}-alias`,
                  {
                      zoneId: plan.hostedZoneId,
                      name: domainName.domainName,
                      type: "A",
                      aliases: [{ name: target, zoneId: targetZoneId, evaluateTargetHealth: false }],
                  },
                  { parent },
              );
    return {
        domainName,
        basePathMapping,
        certificate: requested?.certificate,
        validationRecord: requested?.record,
        certificateValidation: requested?.validation,
        aliasRecord,
        url: basePathMapping.domainName.apply(() => domainUrlOf(plan)),
        target,
        targetZoneId,
    };
}

/** The WAFv2 web ACL's association with the stage; the ARN is checked again once its value and the region are known. */
export function associateWebAcl(
    context: FrontDoorContext,
    webAclArn: pulumi.Input<string>,
    apiEndpointType: string,
): aws.wafv2.WebAclAssociation {
    return new aws.wafv2.WebAclAssociation(
        context.name,
        {
            resourceArn: context.stage.arn,
            webAclArn: checkedWhenKnown(webAclArn, context, (arn, region) =>
                webAclArnProblems(arn, apiEndpointType, region),
            ),
        },
        { parent: context.parent },
    );
}

/** An ACM certificate for the domain name, its DNS validation record in the hosted zone, and the wait for it to be issued. */
function requestCertificate(context: FrontDoorContext, plan: DomainPlan) {
    const { parent, name, tags } = context;
    // v7 resources take their own region: an EDGE domain's certificate is made in us-east-1, whatever the stack's region.
    const region = plan.endpointType === "EDGE" ? EDGE_CERTIFICATE_REGION : undefined;
    const certificate = new aws.acm.Certificate(
        name,
        { domainName: plan.domainName, validationMethod: "DNS", region, tags },
        { parent },
    );
    // One domain name, so one validation option (ACM adds one per name of the certificate).
    const option = certificate.domainValidationOptions.apply((options) => options[0]);
    const record = new aws.route53.Record(
        `${name}-validation`,
        {
            zoneId: plan.hostedZoneId!,
            name: option.apply((o) => o.resourceRecordName),
            type: option.apply((o) => o.resourceRecordType),
            records: [option.apply((o) => o.resourceRecordValue)],
            ttl: 60,
            // A record left by an earlier request of the same name is taken over, not a conflict.
            allowOverwrite: true,
        },
        { parent },
    );
    const validation = new aws.acm.CertificateValidation(
        name,
        { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn], region },
        { parent },
    );
    return { certificate, record, validation };
}

/**
 * A value checked once it and the API's region are known (an Output at preview, or a string whose
 * region check needs the region): refused with the same sentence as at preview.
 */
function checkedWhenKnown(
    value: pulumi.Input<string>,
    context: FrontDoorContext,
    problemsOf: (value: string, region: string) => string[],
): pulumi.Output<string> {
    return pulumi.all([value, context.region]).apply(([known, region]) => {
        const problems = problemsOf(known, region);
        if (problems.length > 0) throw new InvalidSecuredRestApiInput(problems, context.name);
        return known;
    });
}
