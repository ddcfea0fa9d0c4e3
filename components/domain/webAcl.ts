import * as pulumi from "@pulumi/pulumi";

/** A WAFv2 web ACL ARN: `arn:<partition>:wafv2:<region>:<account>:<regional|global>/webacl/<name>/<id>`. */
const WAFV2_WEB_ACL_ARN = /^arn:(aws[a-z-]*):wafv2:([a-z0-9-]+):(\d{12}):(regional|global)\/webacl\/([^/]+)\/([^/]+)$/;
/** A WAF Classic web ACL ARN (`waf` for CloudFront, `waf-regional`), which WAFv2 associations do not take. */
const WAF_CLASSIC_ARN = /^arn:aws[a-z-]*:waf(-regional)?:[a-z0-9-]*:\d{12}:webacl\//;

/** The parts of a WAFv2 web ACL ARN; `global` is the CLOUDFRONT scope. */
export function parseWebAclArn(
    arn: string,
): { region: string; accountId: string; scope: "regional" | "global" } | undefined {
    const match = WAFV2_WEB_ACL_ARN.exec(arn);
    return match ? { region: match[2], accountId: match[3], scope: match[4] as "regional" | "global" } : undefined;
}

/**
 * Why the stage cannot take this web ACL: not WAFv2, of CLOUDFRONT scope (API Gateway requires a Regional
 * web ACL: developer guide, "Using AWS WAF to protect your APIs"), or of another region than the API's
 * (`region`, when known). Used at preview for a string, and when an Output resolves.
 */
export function webAclArnProblems(arn: string, apiEndpointType: string, region: string | undefined): string[] {
    const parsed = parseWebAclArn(arn);
    if (!parsed)
        return [
            WAF_CLASSIC_ARN.test(arn)
                ? `webAclArn ${JSON.stringify(arn)} is an AWS WAF Classic web ACL; the stage takes a WAFv2 web ACL (aws.wafv2.WebAcl, scope "REGIONAL"): migrate it to WAFv2 and pass that ARN.`
                : `webAclArn ${JSON.stringify(arn)} is not a WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>).`,
        ];
    if (parsed.scope === "global")
        return [
            apiEndpointType === "EDGE"
                ? `webAclArn is a CLOUDFRONT-scope web ACL (…:global/webacl/…), and an EDGE API's CloudFront distribution is API Gateway's own, which takes no web ACL: associate a REGIONAL web ACL of the API's region with the stage instead (AWS WAF evaluates it for edge-optimized APIs too), or put a CloudFront distribution of your own, with this web ACL, in front of a REGIONAL custom domain (docs/domain.md, "CloudFront in front").`
                : `webAclArn is a CLOUDFRONT-scope web ACL (…:global/webacl/…), and a ${apiEndpointType} stage takes only a REGIONAL web ACL (API Gateway requires a Regional web ACL): create the web ACL with scope "REGIONAL" in the API's region and pass its ARN; a CLOUDFRONT web ACL goes on a CloudFront distribution of your own (docs/domain.md, "CloudFront in front").`,
        ];
    if (region !== undefined && parsed.region !== region)
        return [
            `webAclArn is in ${parsed.region}, and a stage takes a REGIONAL web ACL of its own region, ${region}: create the web ACL in ${region} and pass its ARN.`,
        ];
    return [];
}

/** Checks `webAclArn` when given as a string; an Output is checked when it resolves. */
export function webAclArgumentProblems(value: unknown, apiEndpointType: string, region: string | undefined): string[] {
    if (value === undefined || pulumi.Output.isInstance(value) || value instanceof Promise) return [];
    if (typeof value !== "string")
        return [
            `webAclArn must be a WAFv2 web ACL ARN, a string or an Output (acl.arn); got ${JSON.stringify(value)}.`,
        ];
    return webAclArnProblems(value, apiEndpointType, region);
}
