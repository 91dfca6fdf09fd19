import { DEFAULT_LINKAGE_PARAMETERS, type LinkageParameters } from './parameters';
import type { LinkDecision, LinkScore } from './types';

/**
 * What to do with a record given its scored candidates, best first: link automatically when
 * the best weighs at least the upper threshold, send to a data steward between the lower and
 * the upper, otherwise no link. A would-be link goes to review when the runner-up is within
 * the margin of the best (two near-identical persons), or when the given names disagree
 * outright (twins share surnames, birth date and home; only their given names tell them apart).
 * @example decideLink([{ personId: 'p1', weight: 31, reasons: [] }]).decision // 'link'
 * @example decideLink([{ personId: 'p1', weight: 31, reasons: [] }, { personId: 'p2', weight: 29, reasons: [] }]).decision // 'review'
 */
export function decideLink(
  scores: readonly LinkScore[],
  params: LinkageParameters = DEFAULT_LINKAGE_PARAMETERS,
): { decision: LinkDecision; best?: LinkScore; runnerUp?: LinkScore } {
  const best = scores[0];
  if (!best) return { decision: 'non_link' };
  const runnerUp = scores[1];
  const { upper, lower, margin, linkNeedsGivenNames } = params.thresholds;
  let decision: LinkDecision = best.weight >= upper ? 'link' : best.weight >= lower ? 'review' : 'non_link';
  if (decision === 'link') {
    const close = runnerUp !== undefined && best.weight - runnerUp.weight < margin;
    const givenDisagree =
      linkNeedsGivenNames && best.reasons.some((r) => r.field === 'givenNames' && r.outcome === 'different');
    if (close || givenDisagree) decision = 'review';
  }
  return runnerUp ? { decision, best, runnerUp } : { decision, best };
}
