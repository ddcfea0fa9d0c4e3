/**
 * Path templates as API Gateway routes them: the one reading of `/pets/{petId}` and `/{proxy+}` that
 * the local gateway routes by and the component reasons about policies with, so the two can never
 * disagree about which operation a request reaches.
 */

/** How specific a template segment is: a literal beats `{param}`, which beats a greedy `{param+}`. */
export enum Specificity {
    Greedy = 0,
    Param = 1,
    Literal = 2,
}

/** One segment of a path template. */
export type TemplatePart =
    | { readonly kind: Specificity.Literal; readonly text: string }
    | { readonly kind: Specificity.Param | Specificity.Greedy; readonly name: string };

/** `/pets/{petId}` → a literal and a parameter; `{name+}` is greedy only as the last segment. */
export function templateParts(template: string): TemplatePart[] {
    const raw = template === "/" ? [] : template.replace(/^\//, "").split("/");
    return raw.map((part, i): TemplatePart => {
        const greedy = /^\{(.+)\+\}$/.exec(part);
        if (greedy && i === raw.length - 1) return { kind: Specificity.Greedy, name: greedy[1] };
        const param = /^\{(.+)\}$/.exec(part);
        return param ? { kind: Specificity.Param, name: param[1] } : { kind: Specificity.Literal, text: part };
    });
}

/** The specificity of each segment a template matched with (a greedy segment counts once). */
export function templateScore(parts: readonly TemplatePart[]): Specificity[] {
    return parts.map((p) => p.kind);
}

/**
 * Which of two matching templates API Gateway routes to: the one more specific at the first segment
 * where they differ (literal over `{param}` over `{param+}`), else the longer. Positive when `a` wins.
 */
export function compareScores(a: readonly Specificity[], b: readonly Specificity[]): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a[i] !== b[i]) return a[i] - b[i];
    }
    return a.length - b.length;
}

/** The HTTP methods a REST API answers; `ANY` stands for each of them a resource does not define itself. */
export const HTTP_METHODS: readonly string[] = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
