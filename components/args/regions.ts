import { closestName } from "./argumentNames";
import { InvalidSecuredRestApiInput } from "../errors";

/**
 * Every AWS region, with its name, as AWS's own SDKs list them: `partitions.json` of the SDKs' endpoint
 * rules (aws-sdk-js-v3 `packages/util-endpoints/src/lib/aws/partitions.json`, here as `@aws-sdk/core`
 * 3.981 ships it; the `aws-*-global` pseudo-regions left out), by partition. AWS's list of regions:
 * https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */
export const AWS_REGIONS: Readonly<Record<string, string>> = {
    // aws
    "af-south-1": "Africa (Cape Town)",
    "ap-east-1": "Asia Pacific (Hong Kong)",
    "ap-east-2": "Asia Pacific (Taipei)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-northeast-3": "Asia Pacific (Osaka)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-south-2": "Asia Pacific (Hyderabad)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-southeast-3": "Asia Pacific (Jakarta)",
    "ap-southeast-4": "Asia Pacific (Melbourne)",
    "ap-southeast-5": "Asia Pacific (Malaysia)",
    "ap-southeast-6": "Asia Pacific (New Zealand)",
    "ap-southeast-7": "Asia Pacific (Thailand)",
    "ca-central-1": "Canada (Central)",
    "ca-west-1": "Canada West (Calgary)",
    "eu-central-1": "Europe (Frankfurt)",
    "eu-central-2": "Europe (Zurich)",
    "eu-north-1": "Europe (Stockholm)",
    "eu-south-1": "Europe (Milan)",
    "eu-south-2": "Europe (Spain)",
    "eu-west-1": "Europe (Ireland)",
    "eu-west-2": "Europe (London)",
    "eu-west-3": "Europe (Paris)",
    "il-central-1": "Israel (Tel Aviv)",
    "me-central-1": "Middle East (UAE)",
    "me-south-1": "Middle East (Bahrain)",
    "me-west-1": "Middle East (Saudi Arabia)",
    "mx-central-1": "Mexico (Central)",
    "sa-east-1": "South America (Sao Paulo)",
    "sa-west-1": "South America (Chile)",
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    // aws-cn
    "cn-north-1": "China (Beijing)",
    "cn-northwest-1": "China (Ningxia)",
    // aws-eusc
    "eusc-de-east-1": "AWS European Sovereign Cloud (Germany)",
    // aws-iso, aws-iso-b, aws-iso-e, aws-iso-f
    "us-iso-east-1": "US ISO East",
    "us-iso-west-1": "US ISO West",
    "us-isob-east-1": "US ISOB East (Ohio)",
    "us-isob-west-1": "US ISOB West",
    "eu-isoe-west-1": "EU ISOE West",
    "us-isof-east-1": "US ISOF East",
    "us-isof-south-1": "US ISOF South",
    // aws-us-gov
    "us-gov-east-1": "AWS GovCloud (US-East)",
    "us-gov-west-1": "AWS GovCloud (US-West)",
};

const CODES = Object.keys(AWS_REGIONS);

/** Whether `region` is an AWS region's code, e.g. `us-west-2`. */
export function isAwsRegion(region: string): boolean {
    return Object.prototype.hasOwnProperty.call(AWS_REGIONS, region);
}

/**
 * The region a wrong one most likely meant: the one whose name holds it (`Oregon`, `frankfurt`), else
 * the nearest code (`us-west-9`, `US-WEST-2`, `uswest2`).
 */
export function closestRegion(region: string): string {
    const words = region.trim().toLowerCase();
    const named = words.length >= 3 ? CODES.find((code) => AWS_REGIONS[code].toLowerCase().includes(words)) : undefined;
    return named ?? closestName(words.replace(/\s+/g, "-"), CODES) ?? "us-east-1";
}

/** A region for a message: `"us-west-2" (US West (Oregon))`. */
export function describeRegion(code: string): string {
    return `${JSON.stringify(code)} (${AWS_REGIONS[code]})`;
}

/**
 * The provider's region, checked: the REST API, its ARNs and every client's signature use it, and AWS
 * has no region of another name (`@pulumi/aws` skips its own check by default: `skipRegionValidation`).
 */
export function knownRegion(region: string): string {
    if (isAwsRegion(region)) return region;
    const meant = closestRegion(region);
    throw new InvalidSecuredRestApiInput([
        `SecuredRestApi: the AWS provider's region ${JSON.stringify(region)} is no AWS region; did you mean ${describeRegion(meant)}? Set the stack's aws:region to it (pulumi config set aws:region ${meant}), or the region of the provider the component is given.`,
    ]);
}
