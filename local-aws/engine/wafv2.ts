import { parseWebAclArn } from "../../components/domain/webAcl";
import { HandlerTable, LocalAwsError } from "./records";

/** An API Gateway stage ARN: `arn:<partition>:apigateway:<region>::/restapis/<id>/stages/<stage>`. */
const STAGE_ARN = /^arn:([^:]+):apigateway:([^:]+)::\/restapis\/([^/]+)\/stages\/([^/]+)$/;

/**
 * WAFv2 web ACL associations with stages. The web ACL is outside the program and its rules need AWS WAF,
 * so local mode checks the association as AssociateWebACL does (a REGIONAL web ACL of the stage's
 * account and region, an existing stage) and says plainly that it does not apply the rules.
 */
export const WAFV2_HANDLERS: HandlerTable = {
    "aws:wafv2/webAclAssociation:WebAclAssociation": (account, _name, inputs) => {
        const resourceArn = String(inputs.resourceArn);
        const webAclArn = String(inputs.webAclArn);
        const stage = STAGE_ARN.exec(resourceArn);
        if (
            !stage ||
            stage[1] !== account.partition ||
            stage[2] !== account.region ||
            !account.stage(stage[3], stage[4])
        )
            throw new LocalAwsError(
                "WAFNonexistentItemException",
                `AWS WAF couldn't perform the operation because your resource doesn't exist. (${resourceArn})`,
            );
        const acl = parseWebAclArn(webAclArn);
        // A CLOUDFRONT web ACL lives in us-east-1's global scope, so a regional lookup never finds it: inferred wording.
        if (!acl || acl.scope !== "regional" || acl.region !== account.region || acl.accountId !== account.accountId)
            throw new LocalAwsError(
                "WAFNonexistentItemException",
                `AWS WAF couldn't perform the operation because your resource doesn't exist. (${webAclArn} is not a REGIONAL web ACL of account ${account.accountId} in ${account.region})`,
            );
        account.webAclAssociations.set(resourceArn, webAclArn);
        account.notices.add(
            `Web ACL ${webAclArn} on stage ${stage[4]} of ${stage[3]}: its rules are evaluated only by AWS WAF, on AWS; local mode lets every request through to IAM.`,
        );
        return { id: `${webAclArn},${resourceArn}`, state: { ...inputs, region: account.region } };
    },
};
