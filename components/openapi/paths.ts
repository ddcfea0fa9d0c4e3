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

/**
 * Whether a template matches a request's decoded segments, with the parameters it binds (a greedy one
 * spans the rest, at least one segment) and the specificity it matched with, for {@link compareScores}.
 */
export function matchTemplate(
    parts: readonly TemplatePart[],
    segments: readonly string[],
): { params: Map<string, string>; score: Specificity[] } | undefined {
    const params = new Map<string, string>();
    const score: Specificity[] = [];
    for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (part.kind === Specificity.Greedy) {
            if (segments.length <= i) return undefined;
            params.set(part.name, segments.slice(i).join("/"));
            score.push(Specificity.Greedy);
            return { params, score };
        }
        if (i >= segments.length) return undefined;
        if (part.kind === Specificity.Param) params.set(part.name, segments[i]);
        else if (part.kind === Specificity.Literal && part.text !== segments[i]) return undefined;
        score.push(part.kind);
    }
    return parts.length === segments.length ? { params, score } : undefined;
}

/**
 * The template of `templates` a request with these decoded segments reaches, as API Gateway routes:
 * the most specific one that matches; undefined when none does.
 */
export function mostSpecificTemplate(templates: Iterable<string>, segments: readonly string[]): string | undefined {
    let best: { template: string; score: Specificity[] } | undefined;
    for (const template of templates) {
        const match = matchTemplate(templateParts(template), segments);
        if (match && (!best || compareScores(match.score, best.score) > 0)) best = { template, score: match.score };
    }
    return best?.template;
}

/** The HTTP methods a REST API answers; `ANY` stands for each of them a resource does not define itself. */
export const HTTP_METHODS: readonly string[] = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
