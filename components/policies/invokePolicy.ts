/** The only action a caller of the API needs. */
export const INVOKE_ACTION = "execute-api:Invoke";

/** AWS's managed policy the classic console walkthrough attaches (in every partition's `iam::aws:policy/`). */
export const MANAGED_INVOKE_POLICY_NAME = "AmazonAPIGatewayInvokeFullAccess";

/** An IAM policy document, as IAM reads it. */
export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | readonly string[];
    readonly Resource: string | readonly string[];
}

/**
 * `arn:…:execute-api:<region>:<account>:<api>/<stage>/*\/*`: every method and path of one stage of one
 * API (in IAM's ARN matching `*` also spans `/`). Built from the Stage's own `executionArn`.
 */
export function stageInvokeResource(stageExecutionArn: string): string {
    return `${stageExecutionArn}/*/*`;
}

/** Least privilege for a caller: `execute-api:Invoke` on this API's stage and nothing else. */
export function scopedInvokePolicy(stageExecutionArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "InvokeThisApiStage",
                Effect: "Allow",
                Action: INVOKE_ACTION,
                Resource: stageInvokeResource(stageExecutionArn),
            },
        ],
    };
}

/** Whether an ARN is AWS's `AmazonAPIGatewayInvokeFullAccess` (every API of the account), in any partition. */
export function isManagedInvokePolicyArn(arn: unknown): boolean {
    return typeof arn === "string" && new RegExp(`^arn:[^:]+:iam::aws:policy/${MANAGED_INVOKE_POLICY_NAME}$`).test(arn);
}
