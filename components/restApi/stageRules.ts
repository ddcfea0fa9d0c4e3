/** What a policy pack reads of one `aws.apigateway.MethodSettings`: its method path and settings. */
export interface MethodSettingsView {
    readonly methodPath: unknown;
    readonly settings: unknown;
}

/** What a stage lacks for an incident to be seen and a flood to be slowed. */
export type StageGap = "accessLogs" | "throttling";

/**
 * The gaps of a stage: no access log destination (`accessLogSettings.destinationArn`), or no throttling
 * of every method (a `*\/*` MethodSettings with both a rate and a burst limit of 0 or more; -1 or
 * none leaves the account's limits, shared by every API of the region). Pure.
 */
export function stageGaps(accessLogSettings: unknown, methodSettings: readonly MethodSettingsView[]): StageGap[] {
    const destination = (accessLogSettings as { destinationArn?: unknown } | undefined)?.destinationArn;
    const logged = typeof destination === "string" && destination !== "";
    const limit = (value: unknown) => typeof value === "number" && value >= 0;
    const throttled = methodSettings.some(({ methodPath, settings }) => {
        const s = (settings ?? {}) as { throttlingRateLimit?: unknown; throttlingBurstLimit?: unknown };
        return methodPath === "*/*" && limit(s.throttlingRateLimit) && limit(s.throttlingBurstLimit);
    });
    return [...(logged ? [] : ["accessLogs" as const]), ...(throttled ? [] : ["throttling" as const])];
}
