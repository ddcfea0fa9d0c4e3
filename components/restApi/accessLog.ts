/**
 * The access log line written for every request, as JSON: who called (`userArn`, the IAM identity
 * whose signature was accepted), from where, what, and how it ended. `$context.requestId` is required
 * by API Gateway in every access log format.
 */
export const DEFAULT_ACCESS_LOG_FORMAT = JSON.stringify({
    requestId: "$context.requestId",
    requestTime: "$context.requestTime",
    sourceIp: "$context.identity.sourceIp",
    userArn: "$context.identity.userArn",
    caller: "$context.identity.caller",
    httpMethod: "$context.httpMethod",
    resourcePath: "$context.resourcePath",
    path: "$context.path",
    status: "$context.status",
    protocol: "$context.protocol",
    responseLength: "$context.responseLength",
    errorMessage: "$context.error.message",
});

/** The retention of a log group the component creates for access logs, in days. */
export const DEFAULT_ACCESS_LOG_RETENTION_DAYS = 365;

/** The retention of the execution log group the component manages, in days: the same as access logs. */
export const DEFAULT_EXECUTION_LOG_RETENTION_DAYS = DEFAULT_ACCESS_LOG_RETENTION_DAYS;

/** The log group API Gateway writes a stage's execution logs to (developer guide, "Set up CloudWatch logging for REST APIs"). */
export function executionLogGroupName(restApiId: string, stageName: string): string {
    return `API-Gateway-Execution-Logs_${restApiId}/${stageName}`;
}
